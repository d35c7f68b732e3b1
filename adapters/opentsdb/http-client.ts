// One kept-alive HTTP(S) client per adapter instance: POST JSON with a Content-Length
// (OpenTSDB rejects chunked bodies by default, protocols.md §8.3), a time limit and
// cancellation; socket failures become RetryableError.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { RetryableError } from '../../src/adapter.js';
import { networkError } from './errors.js';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | undefined;
}

export interface HttpClient {
  /** POSTs `body` to `path` (with query) on the base URL's origin. */
  postJson(pathAndQuery: string, body: string, signal: AbortSignal, what: string): Promise<HttpAnswer>;
  close(): void;
}

export interface HttpClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxSockets: number;
  /** Answers larger than this fail (a read limit guards memory). */
  readonly maxResponseBytes: number;
}

export function createHttpClient(o: HttpClientOptions): HttpClient {
  const base = new URL(o.baseUrl);
  const tls = base.protocol === 'https:';
  const agent = tls
    ? new HttpsAgent({ keepAlive: true, maxSockets: o.maxSockets })
    : new HttpAgent({ keepAlive: true, maxSockets: o.maxSockets });
  const send = tls ? httpsRequest : httpRequest;
  const auth =
    base.username === ''
      ? undefined
      : `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;

  const postJson = (pathAndQuery: string, body: string, signal: AbortSignal, what: string) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      if (signal.aborted) {
        reject(new RetryableError('ABORTED', `OpenTSDB ${what} aborted`, { cause: signal.reason }));
        return;
      }
      const payload = Buffer.from(body, 'utf8');
      const req = send(
        {
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port,
          path: pathAndQuery,
          method: 'POST',
          agent,
          auth,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': payload.length,
            'User-Agent': 'promgate',
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > o.maxResponseBytes) {
              req.destroy(
                new RetryableError(
                  'READ_LIMIT',
                  `OpenTSDB ${what}: answer larger than ${o.maxResponseBytes} bytes`,
                ),
              );
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            cleanup();
            const retryAfter = res.headers['retry-after'];
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            });
          });
          res.on('error', fail);
        },
      );
      const timer = setTimeout(() => {
        req.destroy(
          new RetryableError('OPENTSDB_TIMEOUT', `OpenTSDB ${what}: no answer within ${o.timeoutMs} ms`),
        );
      }, o.timeoutMs);
      const onAbort = () =>
        req.destroy(new RetryableError('ABORTED', `OpenTSDB ${what} aborted`, { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      function cleanup() {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
      function fail(err: unknown) {
        cleanup();
        reject(err instanceof RetryableError ? err : networkError(err, what));
      }
      req.on('error', fail);
      req.end(payload);
    });

  return { postJson, close: () => agent.destroy() };
}
