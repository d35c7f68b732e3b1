// The write path: reject what PostgreSQL can never hold (counted, with an example), resolve
// series ids (cache first) for samples, histograms and exemplars at once, then insert samples,
// histograms and exemplars in chunks with one unnest() statement each. ON CONFLICT DO NOTHING
// on each primary key makes a resent batch a no-op (idempotent writes).

import type {
  Exemplar,
  Rejection,
  SeriesExemplars,
  SeriesHistograms,
  SeriesRef,
  SeriesSamples,
  WriteBatch,
  WriteOutcome,
} from '../../src/adapter.js';
import type { SqlExecutor } from './driver.js';
import { resolveSeriesIds, type SeriesMiss, type SeriesStatements } from './series-ids.js';
import type { SeriesCache, SeriesIdentity } from './series-cache.js';
import {
  float8Text,
  isNaNWords,
  nanBitsText,
  plainArray,
  unstorableTextReason,
  wordsOf,
} from './sql-text.js';
import { ExemplarChunk, exemplarLabelsJson, HistogramChunk } from './write-native.js';

export interface WriteContext {
  readonly db: SqlExecutor;
  readonly cache: SeriesCache;
  readonly seriesSql: SeriesStatements;
  readonly insertSamplesSql: string;
  readonly insertHistogramsSql: string;
  readonly insertExemplarsSql: string;
  readonly chunkSamples: number;
  /** Throws when the call was aborted or the adapter closed (checked between statements). */
  readonly checkpoint: () => void;
}

export function insertSamplesStatement(s: string): string {
  // ORDER BY: rows reach the primary key in index order (locality, and no lock-order deadlock
  // between two writers of overlapping batches).
  return `INSERT INTO ${s}.samples (series_id, ts, value, value_bits)
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::bigint[]) ORDER BY 1, 2
    ON CONFLICT (series_id, ts) DO NOTHING`;
}

class Rejections {
  private readonly byReason = new Map<string, { count: number; example: string }>();
  total = 0;
  add(reason: string, count: number, example: () => string): void {
    this.total += count;
    const r = this.byReason.get(reason);
    if (r) r.count += count;
    else this.byReason.set(reason, { count, example: example() });
  }
  list(): Rejection[] {
    return [...this.byReason].map(([reason, r]) => ({ reason, count: r.count, example: r.example }));
  }
}

/** Accumulates one INSERT's worth of rows as parameter texts. */
class SampleChunk {
  ids: string[] = [];
  ts: string[] = [];
  values: string[] = [];
  bits: string[] = [];
  get length(): number {
    return this.ids.length;
  }
  params(): string[] {
    return [plainArray(this.ids), plainArray(this.ts), plainArray(this.values), plainArray(this.bits)];
  }
}

export async function writeBatch(ctx: WriteContext, batch: WriteBatch): Promise<WriteOutcome> {
  const rejected = new Rejections();
  const histogramsNotStored = new Rejections();
  const exemplarsNotStored = new Rejections();
  const misses: SeriesMiss[] = [];
  let total = 0;

  /** The series' identity when it can be stored (queued for id resolution when unknown). */
  const storable = (ref: SeriesRef, count: number, into: Rejections): SeriesIdentity | undefined => {
    const identity = ctx.cache.identity(ref);
    if (identity.reject !== undefined) {
      into.add(identity.reject, count, () => `series ${ref.key}: PostgreSQL text cannot hold this label`);
      return undefined;
    }
    if (identity.id === undefined) misses.push({ ref, identity });
    return identity;
  };

  const accepted: { samples: SeriesSamples; identity: SeriesIdentity }[] = [];
  for (const s of batch.series) {
    const n = s.timestamps.length;
    total += n;
    if (n === 0) continue;
    const identity = storable(s.series, n, rejected);
    if (identity !== undefined) accepted.push({ samples: s, identity });
  }
  const histograms: { of: SeriesHistograms; identity: SeriesIdentity }[] = [];
  for (const h of batch.histograms) {
    if (h.histograms.length === 0) continue;
    const identity = storable(h.series, h.histograms.length, histogramsNotStored);
    if (identity !== undefined) histograms.push({ of: h, identity });
  }
  const exemplars: { of: SeriesExemplars; identity: SeriesIdentity }[] = [];
  for (const e of batch.exemplars) {
    if (e.exemplars.length === 0) continue;
    const identity = storable(e.series, e.exemplars.length, exemplarsNotStored);
    if (identity !== undefined) exemplars.push({ of: e, identity });
  }

  if (misses.length > 0) {
    ctx.checkpoint();
    await resolveSeriesIds(ctx.db, ctx.seriesSql, misses, ctx.cache);
  }

  let chunk = new SampleChunk();
  const flush = async () => {
    if (chunk.length === 0) return;
    const params = chunk.params();
    chunk = new SampleChunk();
    ctx.checkpoint();
    await ctx.db.query(ctx.insertSamplesSql, params);
  };

  for (const { samples, identity } of accepted) {
    const seriesId = identity.id!;
    const { timestamps, values } = samples;
    const words = wordsOf(values);
    for (let i = 0; i < timestamps.length; i++) {
      const ts = timestamps[i]!;
      // The decoder rejects such timestamps with 400; this guards direct callers, since one bad
      // row would otherwise fail the whole statement.
      if (!Number.isSafeInteger(ts)) {
        rejected.add(
          'invalid_timestamp',
          1,
          () => `series ${samples.series.key}: timestamp ${ts} is not an integer`,
        );
        continue;
      }
      const lo = words[2 * i]!;
      const hi = words[2 * i + 1]!;
      chunk.ids.push(seriesId);
      chunk.ts.push(String(ts));
      if (isNaNWords(lo, hi)) {
        chunk.values.push('NaN');
        chunk.bits.push(nanBitsText(lo, hi));
      } else {
        chunk.values.push(float8Text(values[i]!, lo, hi));
        chunk.bits.push('NULL');
      }
      if (chunk.length >= ctx.chunkSamples) await flush();
    }
  }
  await flush();

  let hChunk = new HistogramChunk();
  const flushHistograms = async () => {
    if (hChunk.length === 0) return;
    const params = hChunk.params();
    hChunk = new HistogramChunk();
    ctx.checkpoint();
    await ctx.db.query(ctx.insertHistogramsSql, params);
  };
  for (const { of, identity } of histograms) {
    for (const h of of.histograms) {
      if (!Number.isSafeInteger(h.timestampMs) || !Number.isSafeInteger(h.startTimestampMs)) {
        histogramsNotStored.add(
          'invalid_timestamp',
          1,
          () => `series ${of.series.key}: histogram timestamp ${h.timestampMs} is not an integer`,
        );
        continue;
      }
      hChunk.push(identity.id!, h);
      if (hChunk.full) await flushHistograms();
    }
  }
  await flushHistograms();

  let eChunk = new ExemplarChunk();
  const flushExemplars = async () => {
    if (eChunk.length === 0) return;
    const params = eChunk.params();
    eChunk = new ExemplarChunk();
    ctx.checkpoint();
    await ctx.db.query(ctx.insertExemplarsSql, params);
  };
  for (const { of, identity } of exemplars) {
    for (const e of of.exemplars) {
      if (!Number.isSafeInteger(e.timestampMs)) {
        exemplarsNotStored.add(
          'invalid_timestamp',
          1,
          () => `series ${of.series.key}: exemplar timestamp ${e.timestampMs} is not an integer`,
        );
        continue;
      }
      const reason = exemplarLabelsReason(e);
      if (reason !== undefined) {
        exemplarsNotStored.add(
          reason,
          1,
          () =>
            `series ${of.series.key}: exemplar labels ${exemplarLabelsJson(e)}: PostgreSQL text cannot hold this label`,
        );
        continue;
      }
      eChunk.push(identity.id!, e);
      if (eChunk.full) await flushExemplars();
    }
  }
  await flushExemplars();

  // Like samples, an idempotent resend counts as written: "stored" means present afterwards.
  return {
    written: total - rejected.total,
    rejected: [
      ...rejected.list(),
      ...histogramsNotStored.list().map((r) => ({ ...r, kind: 'histogram' as const })),
      ...exemplarsNotStored.list().map((r) => ({ ...r, kind: 'exemplar' as const })),
    ],
    // Omitted for batches without any, so a samples-only outcome keeps its shape.
    ...(batch.histogramCount > 0 || batch.histograms.length > 0
      ? {
          writtenHistograms:
            countOf(batch.histograms, (h) => h.histograms.length) - histogramsNotStored.total,
        }
      : {}),
    ...(batch.exemplarCount > 0 || batch.exemplars.length > 0
      ? { writtenExemplars: countOf(batch.exemplars, (e) => e.exemplars.length) - exemplarsNotStored.total }
      : {}),
  };
}

function countOf<T>(items: readonly T[], n: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += n(item);
  return total;
}

/** NUL and lone surrogates are refused in exemplar labels as in series labels (same reasons). */
function exemplarLabelsReason(e: Exemplar): string | undefined {
  for (const l of e.labels) {
    const reason = unstorableTextReason(l.name) ?? unstorableTextReason(l.value);
    if (reason !== undefined) return reason;
  }
  return undefined;
}
