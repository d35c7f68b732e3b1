// Start, restart and close on real servers: migrations applied once (also with concurrent
// starters), series ids stable across a gateway restart (cold cache) and a server restart
// (warm cache), a tiny cache, fail-fast start, a write in flight during close, PGlite reopen.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PermanentError, RetryableError, type Adapter } from '../../src/adapter.js';
import { bitsOf, makeBatch, readAll, type SeriesSpec } from '../../test/contract/adapter-contract.js';
import { startPostgres, type PostgresServer } from '../../test/harness/postgres.js';
import { freePort, tempDir } from '../../test/harness/process.js';
import { connectSql, createTestAdapter, signal, startTestAdapter } from './test-support.js';

const T0 = 1_700_000_000_000;
const series = (metric: string, count: number, offset: number, perSeries = 1): SeriesSpec[] =>
  Array.from({ length: count }, (_, k) => ({
    labels: { __name__: metric, k: String(k) },
    samples: Array.from({ length: perSeries }, (_, i) => [T0 + (offset + i) * 1000, bitsOf(k + i)] as const),
  }));

describe('postgres lifecycle (PostgreSQL 15)', () => {
  let server: PostgresServer;
  let sql: pg.Client;
  before(async () => {
    server = await startPostgres();
    sql = await connectSql(server.url);
  });
  after(async () => {
    await sql?.end();
    await server?.destroy();
  });
  const versions = async (schema: string) =>
    (await sql.query(`SELECT version, applied_at FROM ${schema}.promgate_schema_migrations ORDER BY version`))
      .rows;

  it('applies each migration once; a restart applies none', async () => {
    const a = await startTestAdapter({ url: server.url, schema: 'mig_once' });
    await a.close();
    const first = await versions('mig_once');
    assert.deepEqual(
      first.map((r) => r.version),
      [1, 2, 3],
    );
    const b = await startTestAdapter({ url: server.url, schema: 'mig_once' });
    await b.close();
    assert.deepEqual(await versions('mig_once'), first);
  });

  it('serialises concurrent starters on one database', async () => {
    const adapters = Array.from({ length: 5 }, () =>
      createTestAdapter({ url: server.url, schema: 'mig_race' }),
    );
    await Promise.all(adapters.map((a) => a.start(signal())));
    await Promise.all(adapters.map((a) => a.close()));
    assert.deepEqual(
      (await versions('mig_race')).map((r) => r.version),
      [1, 2, 3],
    );
  });

  it('keeps series ids across a gateway restart and a server restart', async () => {
    const ids = async () =>
      (await sql.query(`SELECT id::text, labels->>'k' AS k FROM cache_test.series ORDER BY id`)).rows;
    const a = await startTestAdapter({ url: server.url, schema: 'cache_test' });
    await a.write(makeBatch(series('cached', 10, 0)), signal());
    await a.close();
    const before = await ids();
    assert.equal(before.length, 10);

    const b = await startTestAdapter({ url: server.url, schema: 'cache_test' });
    try {
      await b.write(makeBatch(series('cached', 10, 1)), signal());
      assert.deepEqual(await ids(), before, 'cold cache: same rows, no new series');
      await server.stop();
      await server.start();
      await sql.end();
      sql = await connectSql(server.url);
      let ok = false;
      for (let i = 0; i < 50 && !ok; i++) {
        try {
          await b.write(makeBatch(series('cached', 10, 2)), signal());
          ok = true;
        } catch (err) {
          assert.ok(err instanceof RetryableError, String(err));
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      assert.ok(ok, 'write after server restart');
      assert.deepEqual(await ids(), before, 'warm cache after server restart');
      const got = await readAll(b, [{ type: 'EQ', name: '__name__', value: 'cached' }]);
      assert.deepEqual(
        [...got.values()].map((e) => e.samples.length),
        Array(10).fill(3),
      );
    } finally {
      await b.close();
    }
  });

  it('stays correct with a series cache far smaller than the series count', async () => {
    const a = await startTestAdapter({ url: server.url, schema: 'tiny_cache', series_cache_size: 2 });
    try {
      for (let round = 0; round < 3; round++) await a.write(makeBatch(series('tiny', 50, round)), signal());
      const { rows } = await sql.query(
        `SELECT (SELECT count(*) FROM tiny_cache.series)::int AS s, (SELECT count(*) FROM tiny_cache.samples)::int AS n`,
      );
      assert.deepEqual(rows[0], { s: 50, n: 150 });
    } finally {
      await a.close();
    }
  });

  it('finishes a write that is in flight when close() is called, then refuses', async () => {
    const a = await startTestAdapter({ url: server.url, schema: 'close_flush', write_chunk_samples: 1_000 });
    const pending = a.write(makeBatch(series('flush', 100, 0, 200)), signal());
    await new Promise((r) => setImmediate(r));
    await a.close();
    assert.deepEqual(await pending, { written: 20_000, rejected: [] });
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM close_flush.samples`);
    assert.equal(rows[0].n, 20_000);
  });

  it('fails start fast and retryably when nothing listens, and is unhealthy meanwhile', async () => {
    const port = await freePort();
    const a = createTestAdapter({
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      connect_timeout: '2s',
    });
    assert.equal((await a.health()).ok, false);
    const t = Date.now();
    await assert.rejects(a.start(signal()), (err) => {
      assert.ok(err instanceof RetryableError && err.code === 'PG_UNAVAILABLE', String(err));
      return true;
    });
    assert.ok(Date.now() - t < 3_000);
    await assert.rejects(a.write(makeBatch(series('x', 1, 0)), signal()), /not started/);
    await a.close();
  });

  it('refuses a database that is not UTF8, saying why', async () => {
    await sql.query(
      `CREATE DATABASE ascii_db ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
    );
    const a = createTestAdapter({ url: server.url.replace(/\/postgres$/, '/ascii_db') });
    await assert.rejects(a.start(signal()), /needs a UTF8 database/);
    await a.close();
  });

  it('stops a read at the next page once its signal is aborted', async () => {
    const a = await startTestAdapter({ url: server.url, schema: 'abort_read', read_chunk_samples: 5 });
    try {
      await a.write(makeBatch(series('abortable', 5, 0, 10)), signal());
      const controller = new AbortController();
      const seen: number[] = [];
      await assert.rejects(
        (async () => {
          for await (const s of a.read!(
            { startMs: 0, endMs: T0 * 2, matchers: [{ type: 'EQ', name: '__name__', value: 'abortable' }] },
            controller.signal,
          )) {
            seen.push(s.timestamps.length);
            controller.abort();
          }
        })(),
        (err) => err instanceof RetryableError && err.code === 'ABORTED',
      );
      assert.deepEqual(seen, [10]);
    } finally {
      await a.close();
    }
  });

  it('reports READ_LIMIT as a permanent error', async () => {
    const a = await startTestAdapter({
      url: server.url,
      schema: 'limits',
      max_samples_per_query: 25,
      max_series_per_query: 3,
    });
    try {
      await a.write(makeBatch(series('limited', 3, 0, 10)), signal());
      await a.write(makeBatch(series('many', 4, 0)), signal());
      const isLimit = (err: unknown) => err instanceof PermanentError && err.code === 'READ_LIMIT';
      await assert.rejects(readAll(a, [{ type: 'EQ', name: '__name__', value: 'limited' }]), isLimit);
      await assert.rejects(readAll(a, [{ type: 'EQ', name: '__name__', value: 'many' }]), isLimit);
      const within = await readAll(a, [{ type: 'EQ', name: '__name__', value: 'limited' }], T0, T0 + 5_000);
      assert.equal(within.size, 3);
    } finally {
      await a.close();
    }
  });
});

describe('postgres lifecycle (PGlite)', () => {
  it('keeps data across close and reopen of the directory, migrating once', async () => {
    const dir = tempDir('pglite-reopen');
    try {
      const url = `pglite://${dir.path}`;
      let a: Adapter = await startTestAdapter({ url });
      await a.write(makeBatch(series('persisted', 3, 0, 4)), signal());
      await a.close();
      a = await startTestAdapter({ url });
      await a.write(makeBatch(series('persisted', 3, 4, 4)), signal());
      const got = await readAll(a, [{ type: 'EQ', name: '__name__', value: 'persisted' }]);
      assert.deepEqual(
        [...got.values()].map((e) => e.samples.length),
        [8, 8, 8],
      );
      await a.close();
      const db = await PGlite.create(dir.path);
      try {
        const { rows } = await db.query<{ version: number }>(
          'SELECT version FROM promgate.promgate_schema_migrations ORDER BY 1',
        );
        assert.deepEqual(
          rows.map((r) => r.version),
          [1, 2, 3],
        );
        const n = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM promgate.series');
        assert.equal(n.rows[0]!.n, 3);
      } finally {
        await db.close();
      }
    } finally {
      dir.remove();
    }
  });
});
