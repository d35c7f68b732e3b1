// Read paging on PostgreSQL 15 with tiny pages: pages that end inside a series, on a series
// boundary, across the 1,000-series groups and across ids of different digit counts (a text
// sort would order id 10 before 9); series without samples in the range are not returned.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Adapter } from '../../src/adapter.js';
import { bitsOf, makeBatch, readAll, type SeriesSpec } from '../../test/contract/adapter-contract.js';
import { startPostgres, type PostgresServer } from '../../test/harness/postgres.js';
import { signal, startTestAdapter } from './test-support.js';

const T0 = 1_700_000_000_000;
const specs = (metric: string, count: number, perSeries: number): SeriesSpec[] =>
  Array.from({ length: count }, (_, k) => ({
    labels: { __name__: metric, k: String(k) },
    samples: Array.from({ length: perSeries }, (_, i) => [T0 + i * 1000, bitsOf(k * 10_000 + i)] as const),
  }));

describe('postgres read paging (PostgreSQL 15)', () => {
  let server: PostgresServer;
  let adapter: Adapter;
  before(async () => {
    server = await startPostgres();
    adapter = await startTestAdapter({ url: server.url, read_chunk_samples: 7 });
  });
  after(async () => {
    await adapter?.close();
    await server?.destroy();
  });

  const check = async (metric: string, written: SeriesSpec[], startMs = T0, endMs = T0 + 1e9) => {
    const got = await readAll(adapter, [{ type: 'EQ', name: '__name__', value: metric }], startMs, endMs);
    const want = written
      .map((s) => ({
        key: makeBatch([s]).series[0]!.series.key,
        samples: s.samples.filter(([ts]) => ts >= startMs && ts <= endMs),
      }))
      .filter((s) => s.samples.length > 0);
    assert.equal(got.size, want.length);
    for (const w of want)
      assert.deepEqual(
        got.get(w.key)?.samples,
        w.samples.map(([ts, b]) => [ts, b]),
      );
  };

  it('reads 1,100 series of 3 samples with 7-sample pages', async () => {
    const written = specs('paged_many', 1_100, 3);
    await adapter.write(makeBatch(written), signal());
    await check('paged_many', written);
  });

  it('reads one long series and pages of exact multiples', async () => {
    const long = specs('paged_long', 1, 1_000);
    const exact = specs('paged_exact', 3, 7);
    await adapter.write(makeBatch([...long, ...exact]), signal());
    await check('paged_long', long);
    await check('paged_exact', exact);
  });

  it('returns only the range, and no series whose samples all lie outside it', async () => {
    const written = [
      ...specs('ranged', 2, 20),
      { labels: { __name__: 'ranged', k: 'late' }, samples: [[T0 + 100_000, bitsOf(1)]] as const },
    ];
    await adapter.write(makeBatch(written), signal());
    await check('ranged', written, T0 + 5_000, T0 + 12_000);
    await check('ranged', written, T0 + 19_000, T0 + 19_000);
    assert.equal(
      (await readAll(adapter, [{ type: 'EQ', name: '__name__', value: 'ranged' }], T0 + 1, T0)).size,
      0,
    );
  });
});
