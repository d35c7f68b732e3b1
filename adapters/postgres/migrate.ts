// Runs the schema migrations at start(). Concurrent starters (several gateways on one
// database) serialise on a transaction-scoped advisory lock keyed by the schema name, and
// each re-checks the version under the lock, so every migration is applied exactly once.

import type { Logger } from '../../src/adapter.js';
import { cellText, type SqlDriver, type SqlExecutor } from './driver.js';
import { LATEST_VERSION, MIGRATIONS } from './schema.js';

const TABLE = 'promgate_schema_migrations';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function appliedVersion(db: SqlExecutor, schema: string): Promise<number> {
  const [row] = await db.query(`SELECT to_regclass($1)::text`, [`${quoteIdent(schema)}.${TABLE}`]);
  if (row === undefined || cellText(row, 0) === null) return 0;
  const [max] = await db.query(`SELECT coalesce(max(version), 0)::text FROM ${quoteIdent(schema)}.${TABLE}`);
  return Number(cellText(max!, 0));
}

/** Brings the schema to LATEST_VERSION; returns the versions this call applied. */
export async function migrate(driver: SqlDriver, schema: string, logger: Logger): Promise<number[]> {
  const s = quoteIdent(schema);
  // Fast path without DDL or locks: a database prepared by an administrator (or by an earlier
  // start) needs no CREATE privilege.
  const current = await appliedVersion(driver, schema);
  if (current > LATEST_VERSION) {
    logger.warn('database schema is newer than this promgate', {
      schema,
      version: current,
      known: LATEST_VERSION,
    });
  }
  if (current >= LATEST_VERSION) return [];

  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    const didApply = await driver.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`promgate:migrate:${schema}`]);
      const [exists] = await tx.query('SELECT count(*)::text FROM pg_namespace WHERE nspname = $1', [schema]);
      if (cellText(exists!, 0) === '0') await tx.query(`CREATE SCHEMA ${s}`);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${s}.${TABLE} (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`,
      );
      const done = await tx.query(`SELECT 1 FROM ${s}.${TABLE} WHERE version = $1`, [String(m.version)]);
      if (done.length > 0) return false;
      for (const statement of m.statements(s)) await tx.query(statement);
      await tx.query(`INSERT INTO ${s}.${TABLE} (version, name) VALUES ($1, $2)`, [
        String(m.version),
        m.name,
      ]);
      return true;
    });
    if (didApply) {
      applied.push(m.version);
      logger.info('applied schema migration', { schema, version: m.version, migration: m.name });
    }
  }
  return applied;
}
