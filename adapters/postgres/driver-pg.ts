// node-postgres driver: one keep-alive Pool per adapter instance.

import pg from 'pg';
import type { Logger } from '../../src/adapter.js';
import type { SqlDriver, SqlExecutor, SqlParam, SqlRow } from './driver.js';

export interface PgDriverOptions {
  readonly url: string;
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

export function createPgDriver(options: PgDriverOptions, logger: Logger): SqlDriver {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    // Client-side guard for a server that stops answering without closing the socket.
    query_timeout: options.statementTimeoutMs + 5_000,
    application_name: 'promgate',
  });
  // An idle client's socket error (server restart) is emitted on the pool; without a listener
  // Node would crash the process. The next query reconnects.
  pool.on('error', (err) => logger.warn('idle PostgreSQL connection failed', { err: err.message }));

  const run = async (client: pg.Pool | pg.PoolClient, text: string, params?: readonly SqlParam[]) => {
    const result = await client.query<unknown[]>({
      text,
      values: params as SqlParam[] | undefined,
      rowMode: 'array',
    });
    return result.rows as SqlRow[];
  };

  return {
    kind: 'pg',
    query: (text, params) => run(pool, text, params),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (text, params) => run(client, text, params) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          // The session is unusable (connection lost): drop it instead of returning it.
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
