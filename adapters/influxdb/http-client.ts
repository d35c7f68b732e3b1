// One kept-alive HTTP(S) agent per adapter instance (no module-level state), with an idle
// timeout per request and cancellation through the caller's AbortSignal.

import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { classifyNetworkError } from './errors.js';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** Path below the base URL, e.g. "/write". */
  readonly path: string;
  readonly query?: URLSearchParams;
  readonly body?: Buffer;
  readonly headers?: Record<string, string>;
}

export interface HttpClient {
  /** Sends a request; the response body is left unread (stream it or call readBody). */
  send(req: HttpRequest, signal: AbortSignal, what: string): Promise<IncomingMessage>;
  close(): void;
}

export function createHttpClient(
  baseUrl: string,
  options: { maxSockets: number; timeoutMs: number; headers: Record<string, string> },
): HttpClient {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: options.maxSockets })
    : new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const lib = secure ? https : http;

  return {
    send(req, signal, what) {
      return new Promise<IncomingMessage>((resolve, reject) => {
        const search = req.query ? `?${req.query.toString()}` : '';
        const headers: Record<string, string | number> = { ...options.headers, ...req.headers };
        if (req.body) headers['Content-Length'] = req.body.length;
        const r = lib.request(
          {
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port,
            method: req.method,
            path: prefix + req.path + search,
            headers,
            agent,
            signal,
          },
          (res) => {
            // The idle timeout keeps applying while the caller streams the body.
            res.on('error', () => {});
            resolve(res);
          },
        );
        r.setTimeout(options.timeoutMs, () =>
          r.destroy(
            Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
          ),
        );
        r.on('error', (err) => reject(classifyNetworkError(err, what, signal)));
        r.end(req.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Reads a whole (small) response body as text, at most maxBytes. */
/** POST /query with form parameters (InfluxQL statements: queries and CREATE DATABASE). */
export function postQuery(
  http: HttpClient,
  params: URLSearchParams,
  signal: AbortSignal,
  what: string,
): Promise<IncomingMessage> {
  return http.send(
    {
      method: 'POST',
      path: '/query',
      body: Buffer.from(params.toString()),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    },
    signal,
    what,
  );
}

export async function readBody(res: IncomingMessage, maxBytes = 1 << 20): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    const b = chunk as Buffer;
    if (size < maxBytes) parts.push(b.subarray(0, maxBytes - size));
    size += b.length;
  }
  return Buffer.concat(parts).toString('utf8');
}
