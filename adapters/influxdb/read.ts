// Remote read over InfluxQL: one SELECT per query on /query with epoch=ms and chunked=true,
// streamed line by line (each chunk is one JSON document), each returned InfluxDB series turned
// back into a Prometheus label set (tags decoded, '' dropped) and exact values.

import { createInterface } from 'node:readline';
import {
  PermanentError,
  RetryableError,
  makeSeriesRef,
  sortLabels,
  type Label,
  type ReadQuery,
  type SeriesSamples,
} from '../../src/adapter.js';
import { classifyNetworkError, classifyStatus, errorText } from './errors.js';
import { postQuery, readBody, type HttpClient } from './http-client.js';
import { selectStatement } from './influxql.js';
import { NO_NAME_MEASUREMENT } from './line-protocol.js';
import { SPECIAL_FIELD, setSpecial } from './special-values.js';
import { decodeTagValue, isHashedTagValue, labelField } from './tag-codec.js';

export interface ReadContext {
  readonly http: HttpClient;
  readonly database: string;
  readonly retentionPolicy: string | undefined;
  readonly chunkSize: number;
  readonly maxSamples: number;
}

interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

interface Chunk {
  error?: string;
  results?: { error?: string; series?: InfluxSeries[] }[];
}

/** A long label's value from its field (tag-codec.ts); the stored hash if no point has it. */
function hashedValue(series: InfluxSeries, name: string, stored: string): string {
  const col = series.columns.indexOf(labelField(name));
  if (col >= 0) {
    for (const row of series.values) if (typeof row[col] === 'string') return row[col];
  }
  return stored;
}

/** Labels of an InfluxDB series: tags minus '' (absent), decoded; __name__ from the measurement if no tag has it. */
export function labelsOf(series: InfluxSeries): Label[] {
  const labels: Label[] = [];
  let hasName = false;
  for (const [name, stored] of Object.entries(series.tags ?? {})) {
    if (stored === '') continue;
    if (name === '__name__') hasName = true;
    labels.push({
      name,
      value: isHashedTagValue(stored) ? hashedValue(series, name, stored) : decodeTagValue(stored),
    });
  }
  // Data written by the legacy adapter has no __name__ tag; the measurement is the name.
  if (!hasName && series.name !== NO_NAME_MEASUREMENT) labels.push({ name: '__name__', value: series.name });
  return sortLabels(labels);
}

export function toSamples(series: InfluxSeries): SeriesSamples {
  const t = series.columns.indexOf('time');
  const v = series.columns.indexOf('value');
  const sp = series.columns.indexOf(SPECIAL_FIELD);
  const timestamps = new Float64Array(series.values.length);
  const values = new Float64Array(series.values.length);
  let n = 0;
  for (const row of series.values) {
    const value = v < 0 ? null : row[v];
    const ts = row[t];
    if (typeof ts !== 'number') continue;
    if (typeof value === 'number') {
      values[n] = value;
    } else {
      // No float value: our special-value field, or a point of another type (not Prometheus data).
      const special = sp < 0 ? null : row[sp];
      if (typeof special !== 'string' || !setSpecial(values, n, special)) continue;
    }
    timestamps[n++] = ts;
  }
  return {
    series: makeSeriesRef(labelsOf(series)),
    timestamps: n === timestamps.length ? timestamps : timestamps.subarray(0, n),
    values: n === values.length ? values : values.subarray(0, n),
  };
}

export async function* readSeries(
  ctx: ReadContext,
  query: ReadQuery,
  signal: AbortSignal,
): AsyncGenerator<SeriesSamples> {
  const q = selectStatement(query, ctx.retentionPolicy);
  const params = new URLSearchParams({
    db: ctx.database,
    q,
    epoch: 'ms',
    chunked: 'true',
    chunk_size: String(ctx.chunkSize),
  });
  const res = await postQuery(ctx.http, params, signal, 'query');
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    const text = await readBody(res);
    if (status === 400)
      throw new PermanentError('INFLUX_QUERY', `InfluxDB rejected ${q}: ${errorText(text)}`);
    throw classifyStatus(status, text, res.headers['retry-after'], 'query');
  }
  let samples = 0;
  const lines = createInterface({ input: res, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const chunk = JSON.parse(line) as Chunk;
      const error = chunk.error ?? chunk.results?.find((r) => r.error !== undefined)?.error;
      if (error !== undefined) {
        if (/database not found/i.test(error)) {
          throw new RetryableError('INFLUX_SETUP', `InfluxDB query: ${error}`, { retryAfterMs: 10_000 });
        }
        throw new PermanentError('INFLUX_QUERY', `InfluxDB query ${q} failed: ${error}`);
      }
      for (const result of chunk.results ?? []) {
        for (const s of result.series ?? []) {
          const out = toSamples(s);
          samples += out.timestamps.length;
          if (samples > ctx.maxSamples) {
            throw new PermanentError('READ_LIMIT', `read would return more than ${ctx.maxSamples} samples`);
          }
          if (out.timestamps.length > 0) yield out;
        }
      }
    }
    // A connection cut mid-answer ends the line stream quietly; never pass a truncated read as whole.
    if (!res.complete)
      throw new RetryableError('INFLUX_UNAVAILABLE', `InfluxDB query answer was cut off: ${q}`);
  } catch (err) {
    if (err instanceof PermanentError || err instanceof RetryableError) throw err;
    throw classifyNetworkError(err, 'query', signal);
  } finally {
    lines.close();
    res.destroy();
  }
}
