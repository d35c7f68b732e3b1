// Metric metadata (type, help, unit) kept per metric family, last write wins. Upserted only
// when something changed, so a resent batch rewrites nothing.

import { METRIC_TYPE_NAMES, type MetricMetadata } from '../../src/adapter.js';
import type { SqlExecutor } from './driver.js';
import { unstorableTextReason } from './sql-text.js';

/** A btree entry holds ~2.7 kB; longer family names are skipped, not failed. */
const MAX_NAME_BYTES = 2_000;

export function metadataStatement(s: string): string {
  return `INSERT INTO ${s}.metric_metadata AS m (metric_family_name, type, help, unit)
    SELECT r.n, r.t, r.h, r.u FROM jsonb_to_recordset($1::jsonb) AS r(n text, t text, h text, u text)
    ORDER BY r.n
    ON CONFLICT (metric_family_name) DO UPDATE
      SET type = EXCLUDED.type, help = EXCLUDED.help, unit = EXCLUDED.unit, updated_at = now()
      WHERE (m.type, m.help, m.unit) IS DISTINCT FROM (EXCLUDED.type, EXCLUDED.help, EXCLUDED.unit)`;
}

export function metricTypeName(type: number): string {
  return METRIC_TYPE_NAMES[type]?.toLowerCase() ?? String(type);
}

/** Writes the storable entries; returns the names of the ones that cannot be stored. */
export async function writeMetadata(
  db: SqlExecutor,
  sql: string,
  metadata: readonly MetricMetadata[],
): Promise<string[]> {
  // One row per family (the last one wins), since ON CONFLICT DO UPDATE may touch a row once.
  const byName = new Map<string, MetricMetadata>();
  const skipped: string[] = [];
  for (const m of metadata) {
    const bad =
      m.metricFamilyName === '' ||
      Buffer.byteLength(m.metricFamilyName) > MAX_NAME_BYTES ||
      [m.metricFamilyName, m.help, m.unit].some((t) => unstorableTextReason(t) !== undefined);
    if (bad) skipped.push(m.metricFamilyName);
    else byName.set(m.metricFamilyName, m);
  }
  if (byName.size === 0) return skipped;
  const rows = [...byName.values()].map((m) =>
    JSON.stringify({ n: m.metricFamilyName, t: metricTypeName(m.type), h: m.help, u: m.unit }),
  );
  await db.query(sql, [`[${rows.join(',')}]`]);
  return skipped;
}
