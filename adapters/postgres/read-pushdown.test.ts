// Remote-read push-down against the shared matcher case table (test/cases/matcher-cases.ts), on
// PostgreSQL 15 and PGlite: what the adapter returns must contain every expected series (a
// push-down never loses a match), equal the expectation after the core's compileMatchers, and
// equal it already without filtering when every matcher was pushed down.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeSeriesRef, type Adapter, type Matcher } from '../../src/adapter.js';
import { compileMatchers } from '../../src/read/matchers.js';
import { MATCHER_CASES, MATCHER_SERIES } from '../../test/cases/matcher-cases.js';
import { bitsOf, makeBatch, readAll } from '../../test/contract/adapter-contract.js';
import { startPostgres, type PostgresServer } from '../../test/harness/postgres.js';
import { tempDir } from '../../test/harness/process.js';
import { matchersToSql } from './matchers-sql.js';
import { signal, startTestAdapter } from './test-support.js';

const T0 = 1_700_000_000_000;
const idByKey = new Map(MATCHER_SERIES.map((s) => [makeSeriesRef(s.labels).key, s.id]));
const tableOrder = (ids: Iterable<string>) => {
  const order = MATCHER_SERIES.map((s) => s.id);
  return [...ids].sort((a, b) => order.indexOf(a) - order.indexOf(b));
};

function pushdownSuite(name: string, open: () => Promise<{ adapter: Adapter; done(): Promise<void> }>) {
  describe(`read push-down: ${name}`, () => {
    let adapter: Adapter;
    let done: () => Promise<void>;
    before(async () => {
      ({ adapter, done } = await open());
      const batch = makeBatch(
        MATCHER_SERIES.map((s) => ({
          labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])),
          samples: [[T0, bitsOf(1)]] as const,
        })),
      );
      assert.equal((await adapter.write(batch, signal())).written, MATCHER_SERIES.length);
    });
    after(async () => {
      await adapter.close();
      await done();
    });

    for (const c of MATCHER_CASES) {
      it(c.name, async () => {
        const got = await readAll(adapter, c.matchers as Matcher[], T0, T0);
        const returned = tableOrder([...got.keys()].map((k) => idByKey.get(k) ?? `unknown ${k}`));
        for (const id of c.expect)
          assert.ok(returned.includes(id), `push-down lost ${id}; got ${returned.join(',')}`);
        const test = compileMatchers(c.matchers);
        const filtered = tableOrder(
          [...got.entries()].filter(([, e]) => test(e.labels)).map(([k]) => idByKey.get(k)!),
        );
        assert.deepEqual(filtered, c.expect);
        if (matchersToSql(c.matchers, 1).exact)
          assert.deepEqual(returned, c.expect, 'exact push-down returned extra series');
      });
    }
  });
}

let server: PostgresServer | undefined;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.destroy();
});

pushdownSuite('PostgreSQL 15', async () => ({
  adapter: await startTestAdapter({ url: server!.url }),
  done: async () => {},
}));

pushdownSuite('PGlite', async () => {
  const dir = tempDir('pglite-read');
  return { adapter: await startTestAdapter({ url: `pglite://${dir.path}` }), done: async () => dir.remove() };
});
