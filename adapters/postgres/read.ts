// Remote read: select the matching series (push-down where exact), sort them by label set
// (capabilities.sortedRead), then stream their samples and native histograms in bounded pages,
// one paged stream per table in the series' order, merged and yielded series by series as soon
// as both streams have moved past it. Exemplars are read the same way from their own table.
// The core re-applies the matchers and the time range.

import {
  PermanentError,
  compareLabelSets,
  compileMatchers,
  decodeHistogramBytes,
  makeSeriesRef,
  sortLabels,
  type Exemplar,
  type Label,
  type NativeHistogram,
  type ReadQuery,
  type SeriesExemplars,
  type SeriesSamples,
} from '../../src/adapter.js';
import { cellString, cellText, type SqlExecutor, type SqlParam, type SqlRow } from './driver.js';
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
/** Rows per page of histograms and of exemplars (bounded further by read_chunk_samples). */
const HISTOGRAMS_PER_PAGE = 1_000;
const EXEMPLARS_PER_PAGE = 10_000;

interface Found {
  readonly id: string;
  readonly labels: Label[];
}

/**
 * The matching series with data in [startMs, endMs] in any of `tables`, in label-set order
 * (compareLabelSets); each label set once, since series.hash is unique.
 */
async function findSeries(
  ctx: ReadContext,
  startMs: string,
  endMs: string,
  query: ReadQuery,
  tables: readonly string[],
): Promise<Found[]> {
  const filter = matchersToSql(query.matchers, 4);
  if (filter.matchesNothing) return [];
  const s = ctx.schema;
  const where = [
    ...filter.conditions,
    // Only series with data in range: the core would drop empty ones anyway.
    `(${tables
      .map((t) => `EXISTS (SELECT 1 FROM ${s}.${t} x WHERE x.series_id = r.id AND x.ts >= $1 AND x.ts <= $2)`)
      .join(' OR ')})`,
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
    .sort((a, b) => compareLabelSets(a.labels, b.labels));
}

function parseLabels(json: string): Label[] {
  const object = JSON.parse(json) as Record<string, string>;
  return sortLabels(Object.entries(object).map(([name, value]) => ({ name, value })));
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
  /** Copies to exact length, so the growth buffers can be freed. */
  take(): { timestamps: Float64Array; values: Float64Array } {
    return {
      timestamps: this.timestamps.slice(0, this.length),
      values: this.values.slice(0, this.length),
    };
  }
}

/**
 * Rows of one table for a run of series in one statement: a nested loop over the id array,
 * each series read through the primary key in order and cut at the page size. Unlike
 * `series_id = ANY(..) ORDER BY series_id, ts LIMIT n`, no plan here can sort the whole group
 * per page (which is what PostgreSQL picks for that form while the table has no statistics).
 * Parameters: $1 ids, $2 start, $3 end, then the resume key of the first series, then the limit.
 */
function pagedStatement(p: {
  table: string;
  /** Selected inside (by name, uncast: ORDER BY must see the bigint ts) … */
  columns: string;
  /** … and returned, cast to text, from `x`. */
  returns: string;
  lowerBound: string;
  order: string;
  limit: string;
}): string {
  return `SELECT g.id::text, ${p.returns} FROM unnest($1::bigint[]) WITH ORDINALITY AS g(id, ord)
    CROSS JOIN LATERAL (
      SELECT ${p.columns} FROM ${p.table}
      WHERE series_id = g.id AND ${p.lowerBound} AND ts <= $3::bigint
      ORDER BY ${p.order} LIMIT ${p.limit}
    ) x
    LIMIT ${p.limit}`;
}

/** How one table is paged and what one series' rows become. */
interface RunSpec<A, T> {
  readonly what: string;
  readonly sql: string;
  readonly pageSize: number;
  /** Resume parameters of the first page: the range start. */
  first(startMs: string): SqlParam[];
  /** Resume parameters after `row`, the last one of a full page. */
  after(row: SqlRow): SqlParam[];
  /** Whether `row` comes strictly after `prev` in one series. */
  ordered(prev: SqlRow, row: SqlRow): boolean;
  open(): A;
  add(acc: A, row: SqlRow): void;
  close(acc: A): T;
}

/** Fails the read once it has fetched more than max_samples_per_query rows of any kind. */
class Budget {
  private used = 0;
  constructor(private readonly max: number) {}
  spend(n: number): void {
    this.used += n;
    if (this.used > this.max) {
      throw new PermanentError(
        'READ_LIMIT',
        `query selects more than ${this.max} samples (max_samples_per_query)`,
      );
    }
  }
}

/** One table's rows of the group's series, page by page, as one value per series that has any. */
async function* runs<A, T>(
  ctx: ReadContext,
  group: readonly Found[],
  startMs: string,
  endMs: string,
  spec: RunSpec<A, T>,
  budget: Budget,
): AsyncGenerator<{ at: number; value: T }> {
  const position = new Map(group.map((f, i) => [f.id, i]));
  const limit = String(spec.pageSize);
  // The series being assembled (index into group), and where the next page resumes.
  let current = 0;
  let acc = spec.open();
  let count = 0;
  let prev: SqlRow | undefined;
  let resume = spec.first(startMs);
  while (true) {
    ctx.checkpoint();
    const ids = plainArray(group.slice(current).map((f) => f.id));
    const rows = await ctx.db.query(spec.sql, [ids, startMs, endMs, ...resume, limit]);
    budget.spend(rows.length);
    for (const row of rows) {
      const at = position.get(cellString(row, 0));
      if (
        at === undefined ||
        at < current ||
        (at === current && prev !== undefined && !spec.ordered(prev, row))
      ) {
        // The statement's nested loop yields series in array order, each in key order; if a
        // plan ever did not, stop rather than return scrambled series.
        throw new Error(`PostgreSQL returned ${spec.what} out of (series, time) order`);
      }
      if (at !== current) {
        if (count > 0) yield { at: current, value: spec.close(acc) };
        acc = spec.open();
        count = 0;
        current = at;
      }
      spec.add(acc, row);
      count++;
      prev = row;
    }
    if (rows.length < spec.pageSize) break;
    resume = spec.after(prev!);
  }
  if (count > 0) yield { at: current, value: spec.close(acc) };
}

const tsAfter = (row: SqlRow): SqlParam[] => [String(BigInt(cellString(row, 1)) + 1n)];
const tsIncreasing = (prev: SqlRow, row: SqlRow) => BigInt(cellString(row, 1)) > BigInt(cellString(prev, 1));
const TS_LOWER_BOUND = 'ts >= CASE WHEN g.ord = 1 THEN $4::bigint ELSE $2::bigint END';

function samplesSpec(
  ctx: ReadContext,
): RunSpec<SeriesBuffer, { timestamps: Float64Array; values: Float64Array }> {
  return {
    what: 'samples',
    sql: pagedStatement({
      table: `${ctx.schema}.samples`,
      columns: `ts, ${VALUE_HEX_SQL} AS bits`,
      returns: 'x.ts::text, x.bits',
      lowerBound: TS_LOWER_BOUND,
      order: 'ts',
      limit: '$5',
    }),
    pageSize: ctx.chunkSamples,
    first: (startMs) => [startMs],
    after: tsAfter,
    ordered: tsIncreasing,
    open: () => new SeriesBuffer(),
    add: (buffer, row) => buffer.push(Number(cellString(row, 1)), cellString(row, 2)),
    close: (buffer) => buffer.take(),
  };
}

function histogramsSpec(ctx: ReadContext): RunSpec<NativeHistogram[], NativeHistogram[]> {
  return {
    what: 'histograms',
    sql: pagedStatement({
      table: `${ctx.schema}.histograms`,
      columns: 'ts, start_ts, encoded',
      returns: "x.ts::text, x.start_ts::text, encode(x.encoded, 'hex')",
      lowerBound: TS_LOWER_BOUND,
      order: 'ts',
      limit: '$5',
    }),
    pageSize: Math.min(ctx.chunkSamples, HISTOGRAMS_PER_PAGE),
    first: (startMs) => [startMs],
    after: tsAfter,
    ordered: tsIncreasing,
    open: () => [],
    add: (list, row) => list.push(histogramOf(row)),
    close: (list) => list,
  };
}

/** `encoded` is the message without timestamps; they come from the ts and start_ts columns. */
function histogramOf(row: SqlRow): NativeHistogram {
  const bytes = Buffer.from(cellString(row, 3), 'hex');
  const h = decodeHistogramBytes(bytes);
  return {
    ...h,
    timestampMs: Number(cellString(row, 1)),
    startTimestampMs: Number(cellText(row, 2) ?? '0'),
  };
}

function exemplarsSpec(ctx: ReadContext): RunSpec<Exemplar[], Exemplar[]> {
  return {
    what: 'exemplars',
    // Several exemplars can share a ms, so pages resume after (ts, dedup), passed as hex text
    // (PGlite wants a Uint8Array for a bytea parameter). The empty bytea
    // sorts before every 32-byte dedup, so (ts, dedup) > (start, '') means ts >= start.
    sql: pagedStatement({
      table: `${ctx.schema}.exemplars`,
      columns: `ts, dedup, ${VALUE_HEX_SQL} AS bits, labels`,
      returns: "x.ts::text, encode(x.dedup, 'hex'), x.bits, x.labels::text",
      lowerBound: `(ts, dedup) > (CASE WHEN g.ord = 1 THEN $4::bigint ELSE $2::bigint END,
        CASE WHEN g.ord = 1 THEN decode($5::text, 'hex') ELSE ''::bytea END)`,
      order: 'ts, dedup',
      limit: '$6',
    }),
    pageSize: Math.min(ctx.chunkSamples, EXEMPLARS_PER_PAGE),
    first: (startMs) => [startMs, ''],
    after: (row) => [cellString(row, 1), cellString(row, 2)],
    ordered: (prev, row) => {
      const a = BigInt(cellString(prev, 1));
      const b = BigInt(cellString(row, 1));
      return b > a || (b === a && cellString(row, 2) > cellString(prev, 2));
    },
    open: () => [],
    add: (list, row) => list.push(exemplarOf(row)),
    close: (list) => list,
  };
}

function exemplarOf(row: SqlRow): Exemplar {
  const pairs = JSON.parse(cellString(row, 4)) as [string, string][];
  return {
    labels: pairs.map(([name, value]) => ({ name, value })),
    timestampMs: Number(cellString(row, 1)),
    valueBits: BigInt(`0x${cellString(row, 3)}`),
  };
}

function rangeOf(query: ReadQuery): [string, string] | undefined {
  const start = Math.ceil(query.startMs);
  const end = Math.floor(query.endMs);
  if (!(start <= end)) return undefined;
  return [String(start), String(end)];
}

const NO_VALUES = new Float64Array(0);

export async function* readSeries(ctx: ReadContext, query: ReadQuery): AsyncGenerator<SeriesSamples> {
  const range = rangeOf(query);
  if (range === undefined) return;
  const [startMs, endMs] = range;
  const found = await findSeries(ctx, startMs, endMs, query, ['samples', 'histograms']);
  const budget = new Budget(ctx.maxSamples);
  const samplesOf = samplesSpec(ctx);
  const histogramsOf = histogramsSpec(ctx);

  for (let g = 0; g < found.length; g += SERIES_PER_GROUP) {
    const group = found.slice(g, g + SERIES_PER_GROUP);
    const samples = runs(ctx, group, startMs, endMs, samplesOf, budget);
    const histograms = runs(ctx, group, startMs, endMs, histogramsOf, budget);
    try {
      let a = await samples.next();
      let b = await histograms.next();
      while (!a.done || !b.done) {
        const at = Math.min(a.done ? Infinity : a.value.at, b.done ? Infinity : b.value.at);
        let values: { timestamps: Float64Array; values: Float64Array } = {
          timestamps: NO_VALUES,
          values: NO_VALUES,
        };
        let list: NativeHistogram[] | undefined;
        if (!a.done && a.value.at === at) {
          values = a.value.value;
          a = await samples.next();
        }
        if (!b.done && b.value.at === at) {
          list = b.value.value;
          b = await histograms.next();
        }
        yield {
          series: makeSeriesRef(group[at]!.labels),
          timestamps: values.timestamps,
          values: values.values,
          ...(list === undefined ? {} : { histograms: list }),
        };
      }
    } finally {
      await samples.return(undefined);
      await histograms.return(undefined);
    }
  }
}

export async function* readExemplars(ctx: ReadContext, query: ReadQuery): AsyncGenerator<SeriesExemplars> {
  const range = rangeOf(query);
  if (range === undefined) return;
  const [startMs, endMs] = range;
  const found = await findSeries(ctx, startMs, endMs, query, ['exemplars']);
  const budget = new Budget(ctx.maxSamples);
  const spec = exemplarsSpec(ctx);
  for (let g = 0; g < found.length; g += SERIES_PER_GROUP) {
    const group = found.slice(g, g + SERIES_PER_GROUP);
    for await (const { at, value } of runs(ctx, group, startMs, endMs, spec, budget)) {
      yield { series: makeSeriesRef(group[at]!.labels), exemplars: value };
    }
  }
}
