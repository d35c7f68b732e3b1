// Reading through POST /api/query with msResolution, aggregator "none" (every series on its
// own, raw values, no downsampling) and the filters of query-plan.ts; labels come back by
// unescaping. "No such name" answers mean the metric, tag key or value was never written:
// nothing matches (protocols.md §8.3).

import {
  PermanentError,
  compareUtf8,
  makeSeriesRef,
  type ReadQuery,
  type SeriesSamples,
} from '../../src/adapter.js';
import { statusError } from './errors.js';
import type { HttpClient } from './http-client.js';
import { planQuery } from './query-plan.js';
import { unmapSeries } from './series-mapping.js';

export interface ReadContext {
  readonly http: HttpClient;
  readonly queryPath: string;
  readonly placeholderKey: string;
  readonly maxSamples: number;
  /** Throws when the adapter was closed meanwhile (checked before every request). */
  readonly checkpoint: () => void;
}

interface QueryResult {
  metric?: unknown;
  tags?: unknown;
  dps?: unknown;
}

const MIN_MS = 1_000_000_000_000;
const MAX_MS = 9_999_999_999_999;

/** OpenTSDB reads ≤ 10 digits as seconds, 13 as ms; start must be positive. */
function timeBounds(startMs: number, endMs: number): { start: number; end: number } {
  const start = startMs >= MIN_MS ? startMs : Math.max(1, Math.floor(startMs / 1000));
  const end = endMs >= MIN_MS ? Math.min(endMs, MAX_MS) : Math.max(1, Math.ceil(endMs / 1000));
  return { start, end };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function toSeries(r: QueryResult, ctx: ReadContext, query: ReadQuery): SeriesSamples | undefined {
  if (typeof r.metric !== 'string' || !isRecord(r.tags) || !isRecord(r.dps)) {
    throw new PermanentError(
      'OPENTSDB_BAD_ANSWER',
      `OpenTSDB query answer has an unexpected shape: ${JSON.stringify(r).slice(0, 200)}`,
    );
  }
  const points: [number, number][] = [];
  for (const [key, value] of Object.entries(r.dps)) {
    const ts = Number(key);
    if (typeof value !== 'number' || !Number.isSafeInteger(ts)) continue;
    if (ts >= query.startMs && ts <= query.endMs) points.push([ts, value]);
  }
  if (points.length === 0) return undefined;
  points.sort((a, b) => a[0] - b[0]);
  const labels = unmapSeries(r.metric, r.tags as Record<string, string>, ctx.placeholderKey).sort((a, b) =>
    compareUtf8(a.name, b.name),
  );
  const timestamps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    timestamps[i] = points[i]![0];
    values[i] = points[i]![1];
  }
  return { series: makeSeriesRef(labels), timestamps, values };
}

export async function* readSeries(
  ctx: ReadContext,
  query: ReadQuery,
  signal: AbortSignal,
): AsyncGenerator<SeriesSamples> {
  const plan = planQuery(query.matchers, ctx.placeholderKey);
  const { start, end } = timeBounds(query.startMs, query.endMs);
  let samples = 0;
  for (const metric of plan.metrics) {
    ctx.checkpoint();
    const body = JSON.stringify({
      start,
      end,
      msResolution: true,
      queries: [{ aggregator: 'none', metric, filters: plan.filters }],
    });
    const answer = await ctx.http.postJson(ctx.queryPath, body, signal, 'query');
    if (answer.status === 400 && /No such name for/i.test(answer.body)) continue;
    if (answer.status !== 200) throw statusError(answer.status, answer.body, answer.retryAfter, 'query');
    let results: unknown;
    try {
      results = JSON.parse(answer.body);
    } catch {
      throw new PermanentError(
        'OPENTSDB_BAD_ANSWER',
        `OpenTSDB query answer is not JSON: ${answer.body.slice(0, 200)}`,
      );
    }
    if (!Array.isArray(results))
      throw new PermanentError('OPENTSDB_BAD_ANSWER', 'OpenTSDB query answer is not a list');
    for (const r of results as QueryResult[]) {
      const series = toSeries(r, ctx, query);
      if (series === undefined) continue;
      samples += series.timestamps.length;
      if (samples > ctx.maxSamples) {
        throw new PermanentError(
          'READ_LIMIT',
          `query returns more than ${ctx.maxSamples} samples (max_samples_per_query)`,
        );
      }
      yield series;
    }
  }
}
