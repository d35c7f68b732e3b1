// Remote read against the real InfluxDB 1.6.7: pushed-down matchers select exactly (EQ, NEQ,
// absent) or a superset (regexes) of what Prometheus would, chunked answers stream whole, and a
// retention policy qualifies both the write and the read.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Adapter, Matcher } from '../../src/adapter.js';
import { bitsOf, makeBatch, readAll } from '../../test/contract/adapter-contract.js';
import { startInfluxDB, type InfluxServer } from '../../test/harness/influxdb.js';
import { signal, startTestAdapter } from './test-support.js';

let server: InfluxServer | undefined;
let adapter: Adapter | undefined;
const base = 1_700_000_000_000;
const SERIES: Record<string, string>[] = [
  { __name__: 'rp_metric', job: 'api', path: '/a/b' },
  { __name__: 'rp_metric', job: 'web', path: "it's" },
  { __name__: 'rp_metric', job: 'db' },
  { __name__: 'rp_metric', job: 'api', path: 'x\ny' },
  { __name__: 'rp_other', job: 'api' },
];

before(async () => {
  server = await startInfluxDB();
  adapter = await startTestAdapter({
    url: server.url,
    database: 'pushdown',
    retention_policy: 'autogen',
    create_database: true,
    read_chunk_size: 3,
  });
  const batch = makeBatch(
    SERIES.map((labels, k) => ({
      labels,
      samples: Array.from({ length: 10 }, (_, i) => [base + i * 1000, bitsOf(k * 100 + i)] as const),
    })),
  );
  assert.deepEqual(await adapter.write(batch, signal()), { written: 50, rejected: [] });
});
after(async () => {
  await adapter?.close();
  await server?.destroy();
});

const m = (type: Matcher['type'], name: string, value: string): Matcher => ({ type, name, value });
const keys = async (matchers: Matcher[]) =>
  [...(await readAll(adapter!, matchers)).values()].map((e) =>
    Object.fromEntries(e.labels.map((l) => [l.name, l.value])),
  );

describe('read pushdown on InfluxDB 1.6.7', () => {
  const exact: [string, Matcher[], number[]][] = [
    ['name only', [m('EQ', '__name__', 'rp_metric')], [0, 1, 2, 3]],
    ['EQ', [m('EQ', '__name__', 'rp_metric'), m('EQ', 'job', 'api')], [0, 3]],
    ['EQ with a quote', [m('EQ', '__name__', 'rp_metric'), m('EQ', 'path', "it's")], [1]],
    ['EQ with a newline (encoded tag)', [m('EQ', '__name__', 'rp_metric'), m('EQ', 'path', 'x\ny')], [3]],
    ['absent', [m('EQ', '__name__', 'rp_metric'), m('EQ', 'path', '')], [2]],
    ['present', [m('EQ', '__name__', 'rp_metric'), m('NEQ', 'path', '')], [0, 1, 3]],
    ['NEQ includes absent', [m('EQ', '__name__', 'rp_metric'), m('NEQ', 'path', '/a/b')], [1, 2, 3]],
    ['name regex', [m('RE', '__name__', 'rp_.*'), m('EQ', 'job', 'api')], [0, 3, 4]],
  ];
  for (const [name, matchers, want] of exact) {
    it(`exact: ${name}`, async () => {
      const got = await keys(matchers);
      assert.equal(got.length, want.length, JSON.stringify(got));
      for (const i of want)
        assert.ok(
          got.some((g) => JSON.stringify(g) === JSON.stringify(SERIES[i])),
          `series ${i}`,
        );
      for (const e of await readAll(adapter!, matchers)) assert.equal(e[1].samples.length, 10);
    });
  }
  const superset: [string, Matcher[], number[]][] = [
    ['regex with a slash', [m('EQ', '__name__', 'rp_metric'), m('RE', 'path', '/a/.*')], [0]],
    ['regex dot matches newline', [m('EQ', '__name__', 'rp_metric'), m('RE', 'path', 'x.y')], [3]],
    ['negative regex', [m('EQ', '__name__', 'rp_metric'), m('NRE', 'job', 'api|db')], [1]],
  ];
  for (const [name, matchers, want] of superset) {
    it(`superset: ${name}`, async () => {
      const got = await keys(matchers);
      for (const i of want)
        assert.ok(
          got.some((g) => JSON.stringify(g) === JSON.stringify(SERIES[i])),
          `series ${i}`,
        );
    });
  }
  it('a regex that is not valid RE2 fails permanently, not silently', async () => {
    await assert.rejects(keys([m('RE', '__name__', 'a(')]), { class: 'permanent' });
  });
});
