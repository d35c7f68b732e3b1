// Remote read: select the matching series (push-down where exact), then stream their samples
// in bounded pages ordered by (series_id, ts), yielding each series as soon as its last sample
// has arrived. The core re-applies the matchers, merges backends and sorts the series.

import {
  PermanentError,
  compileMatchers,
  makeSeriesRef,
  sortLabels,
  type Label,
  type ReadQuery,
  type SeriesSamples,
} from '../../src/adapter.js';
import { cellString, type SqlExecutor } from './driver.js';
import { matchersToSql } from './matchers-sql.js';
import { plainArray, setWordsFromHex, VALUE_HEX_SQL } from './sql-text.js';

export interface ReadContext {
  readonly db: SqlExecutor;
  readonly schema: string;
  readonly chunkSamples: number;
  readonly maxSamples: number;
  readonly maxSeries: number;
  readonly checkpoint: () => void;
}

/** Series ids per samples query, so the id array parameter stays small. */
const SERIES_PER_GROUP = 1_000;

interface Found {
  readonly id: string;
  readonly labels: Label[];
}

async function findSeries(
  ctx: ReadContext,
  startMs: string,
  endMs: string,
  query: ReadQuery,
): Promise<Found[]> {
  const filter = matchersToSql(query.matchers, 4);
  if (filter.matchesNothing) return [];
  const s = ctx.schema;
  const where = [
    ...filter.conditions,
    // Only series with data in range: the core would drop empty ones anyway.
    `EXISTS (SELECT 1 FROM ${s}.samples x WHERE x.series_id = r.id AND x.ts >= $1 AND x.ts <= $2)`,
  ];
  const sql = `SELECT r.id::text, r.labels::text FROM ${s}.series r WHERE ${where.join(' AND ')} LIMIT $3`;
  ctx.checkpoint();
  const rows = await ctx.db.query(sql, [startMs, endMs, String(ctx.maxSeries + 1), ...filter.params]);
  if (rows.length > ctx.maxSeries) {
    throw new PermanentError(
      'READ_LIMIT',
      `query selects more than ${ctx.maxSeries} series (max_series_per_query)`,
    );
  }
  // Matchers SQL could not express exactly (most regexes) are applied here, on the label sets,
  // so no samples are fetched for series the core would throw away.
  const matches = compileMatchers(query.matchers);
  return rows
    .map((row) => ({ id: cellString(row, 0), labels: parseLabels(cellString(row, 1)) }))
    .filter((f) => matches(f.labels))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

function parseLabels(json: string): Label[] {
  const object = JSON.parse(json) as Record<string, string>;
  return sortLabels(Object.entries(object).map(([name, value]) => ({ name, value })));
}

function toSeries(found: Found, timestamps: Float64Array, values: Float64Array, n: number): SeriesSamples {
  // Copy to exact length so the page buffers can be reused or freed.
  return {
    series: makeSeriesRef(found.labels),
    timestamps: timestamps.slice(0, n),
    values: values.slice(0, n),
  };
}

/** Growable pair of arrays for the series being assembled. */
class SeriesBuffer {
  timestamps = new Float64Array(256);
  values = new Float64Array(256);
  words = new Uint32Array(this.values.buffer);
  length = 0;
  push(ts: number, hex: string): void {
    if (this.length === this.timestamps.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.timestamps = grow(this.timestamps);
      this.values = grow(this.values);
      this.words = new Uint32Array(this.values.buffer);
    }
    this.timestamps[this.length] = ts;
    setWordsFromHex(this.words, this.length, hex);
    this.length++;
  }
}

/**
 * Samples of a run of series in one statement: a nested loop over the id array, each series
 * read through the primary key in ts order and cut at the page size. Unlike
 * `series_id = ANY(..) ORDER BY series_id, ts LIMIT n`, no plan here can sort the whole group
 * per page (which is what PostgreSQL picks for that form while the table has no statistics).
 * The first series may resume after the last timestamp of the previous page ($4).
 */
function samplesStatement(s: string): string {
  return `SELECT g.id::text, x.ts::text, x.bits FROM unnest($1::bigint[]) WITH ORDINALITY AS g(id, ord)
    CROSS JOIN LATERAL (
      SELECT ts, ${VALUE_HEX_SQL} AS bits FROM ${s}.samples
      WHERE series_id = g.id AND ts >= CASE WHEN g.ord = 1 THEN $4::bigint ELSE $2::bigint END AND ts <= $3::bigint
      ORDER BY ts LIMIT $5
    ) x
    LIMIT $5`;
}

export async function* readSeries(ctx: ReadContext, query: ReadQuery): AsyncGenerator<SeriesSamples> {
  const start = Math.ceil(query.startMs);
  const end = Math.floor(query.endMs);
  if (!(start <= end)) return;
  const startMs = String(start);
  const endMs = String(end);
  const found = await findSeries(ctx, startMs, endMs, query);
  const sql = samplesStatement(ctx.schema);
  const limit = String(ctx.chunkSamples);
  let total = 0;

  for (let g = 0; g < found.length; g += SERIES_PER_GROUP) {
    const group = found.slice(g, g + SERIES_PER_GROUP);
    const position = new Map(group.map((f, i) => [f.id, i]));
    // The series being assembled (index into group), and where the next page resumes.
    let current = 0;
    let buffer = new SeriesBuffer();
    let resumeFrom = startMs;
    let lastTs = -Infinity;

    while (true) {
      ctx.checkpoint();
      const ids = plainArray(group.slice(current).map((f) => f.id));
      const rows = await ctx.db.query(sql, [ids, startMs, endMs, resumeFrom, limit]);
      total += rows.length;
      if (total > ctx.maxSamples) {
        throw new PermanentError(
          'READ_LIMIT',
          `query selects more than ${ctx.maxSamples} samples (max_samples_per_query)`,
        );
      }
      for (const row of rows) {
        const at = position.get(cellString(row, 0));
        const ts = Number(cellString(row, 1));
        if (at === undefined || at < current || (at === current && ts <= lastTs)) {
          // The statement's nested loop yields series in array order, each by ts; if a plan
          // ever did not, stop rather than return scrambled series.
          throw new Error('PostgreSQL returned samples out of (series, ts) order');
        }
        if (at !== current) {
          if (buffer.length > 0)
            yield toSeries(group[current]!, buffer.timestamps, buffer.values, buffer.length);
          buffer = new SeriesBuffer();
          current = at;
        }
        lastTs = ts;
        buffer.push(ts, cellString(row, 2));
      }
      if (rows.length < ctx.chunkSamples) break;
      resumeFrom = String(BigInt(lastTs) + 1n);
    }
    if (buffer.length > 0) yield toSeries(group[current]!, buffer.timestamps, buffer.values, buffer.length);
  }
}
