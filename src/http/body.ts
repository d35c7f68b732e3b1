// Reads a request body with a byte cap. express.raw() cannot be used: it answers 415 to
// Content-Encoding: snappy whatever its options (performance.md, traps).

import type { IncomingMessage } from 'node:http';
import { RequestError } from '../errors.js';

/** Reads the whole body; 413 above maxBytes (checked against Content-Length first), 400 when empty. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    throw new RequestError(
      413,
      'body_too_large',
      `request body of ${declared} bytes is over the limit of ${maxBytes} bytes`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new RequestError(413, 'body_too_large', `request body is over the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  if (size === 0) throw new RequestError(400, 'empty_body', 'request body is empty');
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
