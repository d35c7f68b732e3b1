// PGlite driver: embedded PostgreSQL (WASM) in a directory, or in memory. One session, so
// PGlite itself queues concurrent queries and transaction() runs exclusively.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriver, SqlExecutor, SqlParam, SqlRow } from './driver.js';

/** `pglite://memory` is in-memory; anything else after the scheme is a directory path. */
export function pgliteDataDir(url: string): string | undefined {
  const rest = url.replace(/^pglite:\/\//, '');
  return rest === 'memory' ? undefined : resolve(rest);
}

export async function createPgliteDriver(url: string): Promise<SqlDriver> {
  const dataDir = pgliteDataDir(url);
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ?? 'memory://');

  type Queryable = Pick<PGlite, 'query'>;
  const run = async (target: Queryable, text: string, params?: readonly SqlParam[]) => {
    const result = await target.query<unknown[]>(text, params as SqlParam[] | undefined, {
      rowMode: 'array',
    });
    return result.rows as SqlRow[];
  };

  return {
    kind: 'pglite',
    query: (text, params) => run(db, text, params),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) =>
      db.transaction((tx) => fn({ query: (text, params) => run(tx, text, params) })),
    close: () => db.close(),
  };
}
