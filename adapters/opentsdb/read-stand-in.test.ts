// The reader against the OpenTSDB stand-in (test/stand-ins): what is pushed down (request
// shape: msResolution, aggregator none, filters over escaped names), that the result is a
// superset the core can filter exactly, labels restored by unescaping, and error handling.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, RetryableError, type Matcher } from '../../src/adapter.js';
import { abortSignal, bitsOf, makeBatch, readAll } from '../../test/contract/adapter-contract.js';
import { startOpenTsdbStandIn, type OpenTsdbStandIn } from '../../test/stand-ins/opentsdb-query-stand-in.js';
import { createTestAdapter } from './test-support.js';

let standIn: OpenTsdbStandIn;
let adapter: ReturnType<typeof createTestAdapter>;
const name = 'read:test_metric';
const t = 1_700_000_000_000;
const series: Record<string, string>[] = [
  { __name__: name, job: 'api', instance: 'a:1', 'http.method': 'GET' },
  { __name__: name, job: 'api', instance: 'b:2' },
  { __name__: name, job: 'db', instance: 'a:1' },
  { __name__: name, instance: 'c:3' },
  { __name__: name, job: 'api\nB', instance: 'd' },
  { __name__: name },
  { __name__: 'read_other', job: 'api' },
];

before(async () => {
  standIn = await startOpenTsdbStandIn({ autoCreateMetrics: true });
  adapter = createTestAdapter({ url: standIn.url });
  await adapter.start(abortSignal());
  const batch = makeBatch(
    series.map((labels, i) => ({
      labels,
      samples: [
        [t, bitsOf(i)],
        [t + 1, bitsOf(i + 0.25)],
      ],
    })),
  );
  assert.deepEqual(await adapter.write(batch, abortSignal()), { written: series.length * 2, rejected: [] });
});
after(async () => {
  await adapter.close();
  await standIn.close();
});

const m = (type: Matcher['type'], n: string, value: string): Matcher => ({ type, name: n, value });
const lastQuery = () => standIn.queries[standIn.queries.length - 1] as Record<string, unknown>;
const labelSets = async (matchers: Matcher[]) =>
  [...(await readAll(adapter, matchers)).values()].map((e) =>
    Object.fromEntries(e.labels.map((l) => [l.name, l.value])),
  );

describe('opentsdb reader on the /api/query stand-in', () => {
  it('asks for raw series (aggregator none, msResolution) and restores labels exactly', async () => {
    const got = await readAll(adapter, [m('EQ', '__name__', name), m('EQ', 'job', 'api')], t, t + 1);
    assert.deepEqual(lastQuery(), {
      start: t,
      end: t + 1,
      msResolution: true,
      queries: [
        {
          aggregator: 'none',
          metric: 'read_.test__metric',
          filters: [{ type: 'literal_or', tagk: 'job', filter: 'api', groupBy: false }],
        },
      ],
    });
    const sets = [...got.values()].map((e) => e.labels);
    assert.equal(sets.length, 2);
    const withMethod = [...got.values()].find((e) => e.labels.some((l) => l.name === 'http.method'))!;
    assert.deepEqual(withMethod.labels, [
      { name: '__name__', value: name },
      { name: 'http.method', value: 'GET' },
      { name: 'instance', value: 'a:1' },
      { name: 'job', value: 'api' },
    ]);
    assert.deepEqual(withMethod.samples, [
      [t, bitsOf(0)],
      [t + 1, bitsOf(0.25)],
    ]);
  });

  it('restores a name-only series without the placeholder tag', async () => {
    const sets = await labelSets([m('EQ', '__name__', name)]);
    assert.equal(sets.length, 6);
    assert.ok(sets.some((s) => Object.keys(s).length === 1));
  });

  it('pushes a literal alternation down as an anchored regexp, a prefix as ^prefix', async () => {
    await readAll(adapter, [m('RE', '__name__', `${name}|read_other`), m('RE', 'job', 'api|db')]);
    const filters = (q: Record<string, unknown>) => (q.queries as { filters: unknown[] }[])[0]!.filters;
    assert.deepEqual(filters(lastQuery()), [
      { type: 'regexp', tagk: 'job', filter: '^(?:api|db)$', groupBy: false },
    ]);
    assert.equal((lastQuery().queries as { metric: string }[])[0]!.metric, 'read__other');
    await readAll(adapter, [m('EQ', '__name__', name), m('RE', 'instance', 'a:.*')]);
    assert.deepEqual(filters(lastQuery()), [
      { type: 'regexp', tagk: 'instance', filter: '^a_\\.', groupBy: false },
    ]);
    const sets = await labelSets([m('EQ', '__name__', name), m('RE', 'instance', 'a:.*')]);
    assert.equal(sets.length, 2);
  });

  it('does not push down what would drop series lacking the label', async () => {
    // job!="api" also selects series without job: no filter may require the tag.
    await readAll(adapter, [m('EQ', '__name__', name), m('NEQ', 'job', 'api')]);
    assert.deepEqual((lastQuery().queries as { filters: unknown[] }[])[0]!.filters, []);
    // With a positive filter on job the negative one is safe.
    await readAll(adapter, [m('EQ', '__name__', name), m('RE', 'job', 'api.*'), m('NEQ', 'job', 'api')]);
    assert.deepEqual((lastQuery().queries as { filters: unknown[] }[])[0]!.filters, [
      { type: 'regexp', tagk: 'job', filter: '^api', groupBy: false },
      { type: 'not_literal_or', tagk: 'job', filter: 'api', groupBy: false },
    ]);
    const sets = await labelSets([
      m('EQ', '__name__', name),
      m('RE', 'job', 'api.*'),
      m('NEQ', 'job', 'api'),
    ]);
    // A superset: the core re-applies job=~"api.*" exactly.
    assert.deepEqual(
      sets.map((s) => s.job),
      ['api\nB'],
    );
  });

  it('finds values escaped with the two-digit form for controls before hex digits', async () => {
    const sets = await labelSets([m('EQ', '__name__', name), m('EQ', 'job', 'api\nB')]);
    assert.deepEqual(sets, [{ __name__: name, instance: 'd', job: 'api\nB' }]);
  });

  it('returns nothing for names OpenTSDB never saw ("No such name")', async () => {
    assert.equal((await readAll(adapter, [m('EQ', '__name__', 'never_written')])).size, 0);
    assert.equal((await readAll(adapter, [m('EQ', '__name__', name), m('EQ', 'nokey', 'x')])).size, 0);
    assert.equal((await readAll(adapter, [m('EQ', '__name__', name), m('EQ', 'job', 'novalue')])).size, 0);
  });

  it('needs the metric name: a regex over names is a PermanentError', async () => {
    await assert.rejects(readAll(adapter, [m('RE', '__name__', 'read.*')]), (err) => {
      assert.ok(err instanceof PermanentError);
      assert.equal(err.code, 'OPENTSDB_NEEDS_METRIC');
      return true;
    });
  });

  it('classifies a server error as retryable and an unreachable server likewise', async () => {
    const broken = createTestAdapter({ url: 'http://127.0.0.1:9/', timeout: '1s' });
    await assert.rejects(
      readAll(broken, [m('EQ', '__name__', name)]),
      (err) => err instanceof RetryableError,
    );
    await broken.close();
  });
});
