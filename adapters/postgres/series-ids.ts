// Finds or creates the series rows of a batch's unknown label sets: one SELECT for the misses,
// one INSERT ... ON CONFLICT DO NOTHING for the truly new ones, and one more SELECT for rows a
// concurrent writer created in between. Never one statement per series.

import type { SeriesRef } from '../../src/adapter.js';
import { cellString, type SqlExecutor } from './driver.js';
import type { SeriesCache, SeriesIdentity } from './series-cache.js';
import { byteaHexArray } from './sql-text.js';

/** Series per statement, so one parameter stays a few MB at most. */
const SERIES_PER_STATEMENT = 5_000;

export interface SeriesMiss {
  readonly ref: SeriesRef;
  readonly identity: SeriesIdentity;
}

export interface SeriesStatements {
  readonly select: string;
  readonly insert: string;
}

export function seriesStatements(s: string): SeriesStatements {
  return {
    select: `SELECT encode(hash, 'hex'), id::text FROM ${s}.series WHERE hash = ANY($1::bytea[])`,
    // ORDER BY hash: concurrent writers take the unique-index locks in one order (no deadlock).
    insert: `INSERT INTO ${s}.series (hash, metric_name, labels)
      SELECT decode(r.h, 'hex'), r.n, r.l FROM jsonb_to_recordset($1::jsonb) AS r(h text, n text, l jsonb)
      ORDER BY r.h
      ON CONFLICT (hash) DO NOTHING
      RETURNING encode(hash, 'hex'), id::text`,
  };
}

/** The label set as a JSON object, `__name__` included: the labels column is the whole set. */
export function labelsJson(ref: SeriesRef): string {
  let out = '{';
  for (let i = 0; i < ref.labels.length; i++) {
    const l = ref.labels[i]!;
    out += (i === 0 ? '' : ',') + JSON.stringify(l.name) + ':' + JSON.stringify(l.value);
  }
  return out + '}';
}

async function selectIds(
  db: SqlExecutor,
  sql: SeriesStatements,
  pending: Map<string, SeriesMiss[]>,
  cache: SeriesCache,
) {
  const rows = await db.query(sql.select, [byteaHexArray([...pending.keys()])]);
  apply(rows, pending, cache);
}

function apply(
  rows: readonly (readonly unknown[])[],
  pending: Map<string, SeriesMiss[]>,
  cache: SeriesCache,
) {
  for (const row of rows) {
    const hash = cellString(row, 0);
    const id = cellString(row, 1);
    for (const miss of pending.get(hash) ?? []) cache.remember(miss.ref, miss.identity, id);
    pending.delete(hash);
  }
}

/** Assigns identity.id for every miss (deduplicated by hash). */
export async function resolveSeriesIds(
  db: SqlExecutor,
  sql: SeriesStatements,
  misses: readonly SeriesMiss[],
  cache: SeriesCache,
): Promise<void> {
  const byHash = new Map<string, SeriesMiss[]>();
  for (const miss of misses) {
    const list = byHash.get(miss.identity.hashHex);
    if (list) list.push(miss);
    else byHash.set(miss.identity.hashHex, [miss]);
  }
  const hashes = [...byHash.keys()];
  for (let start = 0; start < hashes.length; start += SERIES_PER_STATEMENT) {
    const pending = new Map(
      hashes.slice(start, start + SERIES_PER_STATEMENT).map((h) => [h, byHash.get(h)!]),
    );
    await selectIds(db, sql, pending, cache);
    if (pending.size === 0) continue;

    const rows: string[] = [];
    for (const [hash, list] of pending) {
      const ref = list[0]!.ref;
      rows.push(`{"h":"${hash}","n":${JSON.stringify(ref.metricName)},"l":${labelsJson(ref)}}`);
    }
    apply(await db.query(sql.insert, [`[${rows.join(',')}]`]), pending, cache);
    // Whatever is still pending was inserted by someone else after our SELECT.
    if (pending.size > 0) await selectIds(db, sql, pending, cache);
    if (pending.size > 0) throw new Error(`series ids missing after insert (${pending.size} label sets)`);
  }
}
