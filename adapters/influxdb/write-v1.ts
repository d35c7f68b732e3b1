// `api: v1`: POST /write?db=&rp=&precision=ms with line protocol (protocols.md §8.1). A 204 is
// success; a 400 "partial write: … dropped=N" means the other points were stored, so the N are
// counted as rejected rather than failing (and resending) the whole request.

import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { PermanentError } from '../../src/adapter.js';
import type { EncodedBody, RejectionTally } from './encode-batch.js';
import { classifyStatus, errorText } from './errors.js';
import { readBody, type HttpClient } from './http-client.js';

const gzip = promisify(gzipCb);

export interface V1Target {
  readonly http: HttpClient;
  readonly database: string;
  readonly retentionPolicy: string | undefined;
  readonly gzip: boolean;
}

/** Points InfluxDB says it dropped in a 400 answer; undefined when it is not a partial write. */
export function partialWriteDropped(text: string): number | undefined {
  if (!text.startsWith('partial write')) return undefined;
  const dropped = /dropped=(\d+)/.exec(text);
  // Lines that did not parse are not included in dropped= (verified on 1.6.7: "dropped=0").
  const unparsed = text.match(/unable to parse/g)?.length ?? 0;
  return Number(dropped?.[1] ?? 0) + unparsed;
}

/** Sends one body; returns how many of its points were stored. */
export async function writeV1(
  target: V1Target,
  body: EncodedBody,
  tally: RejectionTally,
  signal: AbortSignal,
): Promise<number> {
  const query = new URLSearchParams({ db: target.database, precision: 'ms' });
  if (target.retentionPolicy !== undefined) query.set('rp', target.retentionPolicy);
  let payload = Buffer.from(body.text, 'utf8');
  const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
  if (target.gzip) {
    payload = await gzip(payload);
    headers['Content-Encoding'] = 'gzip';
  }
  const res = await target.http.send(
    { method: 'POST', path: '/write', query, body: payload, headers },
    signal,
    'write',
  );
  const status = res.statusCode ?? 0;
  if (status === 204 || status === 200) {
    res.resume();
    return body.points;
  }
  const text = await readBody(res);
  if (status === 400) {
    const error = errorText(text);
    const dropped = partialWriteDropped(error);
    if (dropped !== undefined) {
      const n = Math.min(dropped, body.points);
      tally.add('influx_partial_write', n, error);
      return body.points - n;
    }
    throw new PermanentError('INFLUX_REJECTED', `InfluxDB write answered 400: ${error}`);
  }
  throw classifyStatus(status, text, res.headers['retry-after'], 'write');
}
