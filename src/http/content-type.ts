// Content negotiation for remote write and read (protocols.md §2.1, §3.2, traps 2 and 9).

import { RequestError } from '../errors.js';

export type WriteProtocol = '1.0' | '2.0';

const PROTOBUF = 'application/x-protobuf';

function parseMediaType(header: string): { type: string; params: Map<string, string> } {
  const [type, ...rest] = header.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0)
      params.set(
        p.slice(0, eq).trim().toLowerCase(),
        p
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      );
  }
  return { type: (type ?? '').trim().toLowerCase(), params };
}

/**
 * Picks the remote-write protocol from Content-Type (protocols.md §3.2): no header or no proto=
 * means 1.0, as in Prometheus; proto=io.prometheus.write.v2.Request means 2.0; anything else 415.
 */
export function writeProtocol(contentType: string | undefined): WriteProtocol {
  if (contentType === undefined || contentType.trim() === '') return '1.0';
  const { type, params } = parseMediaType(contentType);
  if (type !== PROTOBUF) {
    throw new RequestError(
      415,
      'unsupported_content_type',
      `unsupported Content-Type "${contentType}", expected ${PROTOBUF}`,
    );
  }
  const proto = params.get('proto');
  if (proto === undefined || proto === 'prometheus.WriteRequest') return '1.0';
  // The schema comes from Content-Type only: a 1.0 body decodes as an empty 2.0 request and vice
  // versa (trap 9), so the body cannot tell.
  if (proto === 'io.prometheus.write.v2.Request') return '2.0';
  throw new RequestError(415, 'unsupported_protocol', `unsupported remote-write message "${proto}"`);
}

/** Remote read: the body must be protobuf when a Content-Type is given at all. */
export function checkReadContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === '') return;
  if (parseMediaType(contentType).type !== PROTOBUF) {
    throw new RequestError(
      415,
      'unsupported_content_type',
      `unsupported Content-Type "${contentType}", expected ${PROTOBUF}`,
    );
  }
}

/** A missing Content-Encoding means snappy (sloppy 1.x senders); anything else but snappy is 415. */
export function checkSnappyEncoding(contentEncoding: string | undefined): void {
  if (contentEncoding === undefined) return;
  const value = contentEncoding.trim().toLowerCase();
  if (value === '' || value === 'snappy') return;
  throw new RequestError(
    415,
    'unsupported_encoding',
    `unsupported Content-Encoding "${contentEncoding}", expected snappy`,
  );
}
