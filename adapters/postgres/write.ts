// The write path: reject what PostgreSQL can never hold (counted, with an example), resolve
// series ids (cache first), then insert samples in chunks with one unnest() statement each.
// ON CONFLICT (series_id, ts) DO NOTHING makes a resent batch a no-op (idempotent writes).

import type { Rejection, SeriesSamples, WriteBatch, WriteOutcome } from '../../src/adapter.js';
import type { SqlExecutor } from './driver.js';
import { resolveSeriesIds, type SeriesMiss, type SeriesStatements } from './series-ids.js';
import type { SeriesCache } from './series-cache.js';
import { float8Text, isNaNWords, nanBitsText, plainArray, wordsOf } from './sql-text.js';

export interface WriteContext {
  readonly db: SqlExecutor;
  readonly cache: SeriesCache;
  readonly seriesSql: SeriesStatements;
  readonly insertSamplesSql: string;
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
  const accepted: { samples: SeriesSamples; id: () => string }[] = [];
  const misses: SeriesMiss[] = [];
  let total = 0;

  for (const s of batch.series) {
    const n = s.timestamps.length;
    total += n;
    if (n === 0) continue;
    const identity = ctx.cache.identity(s.series);
    if (identity.reject !== undefined) {
      rejected.add(
        identity.reject,
        n,
        () => `series ${s.series.key}: PostgreSQL text cannot hold this label`,
      );
      continue;
    }
    if (identity.id === undefined) misses.push({ ref: s.series, identity });
    accepted.push({ samples: s, id: () => identity.id! });
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

  for (const { samples, id } of accepted) {
    const seriesId = id();
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
  return { written: total - rejected.total, rejected: rejected.list() };
}
