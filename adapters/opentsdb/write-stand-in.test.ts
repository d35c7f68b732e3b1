// Per-point errors from `?details`: the points the server refuses are counted as rejections
// with a reason, the rest of the request is stored (the stand-in follows OpenTSDB's put docs).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { abortSignal, bitsOf, makeBatch, readAll } from '../../test/contract/adapter-contract.js';
import { startOpenTsdbStandIn, type OpenTsdbStandIn } from '../../test/stand-ins/opentsdb-query-stand-in.js';
import { createTestAdapter } from './test-support.js';

let strict: OpenTsdbStandIn;
before(async () => {
  // Like a default TSD: no auto-created metrics; and a tag limit below the adapter's.
  strict = await startOpenTsdbStandIn({ autoCreateMetrics: false, maxTags: 2 });
});
after(() => strict.close());

describe('opentsdb per-point errors (?details)', () => {
  it('counts refused points by reason and stores the others', async () => {
    const adapter = createTestAdapter({ url: strict.url, max_points_per_request: 3 });
    await adapter.start(abortSignal());
    try {
      const t = 1_700_000_000_000;
      const batch = makeBatch([
        { labels: { __name__: 'new_metric', a: '1' }, samples: [[t, bitsOf(1)]] },
        {
          labels: { __name__: 'new_metric', a: '1', b: '2', c: '3' },
          samples: [
            [t, bitsOf(2)],
            [t + 1, bitsOf(3)],
          ],
        },
      ]);
      const outcome = await adapter.write(batch, abortSignal());
      assert.equal(outcome.written, 0);
      assert.deepEqual(
        outcome.rejected.map((r) => [r.reason, r.count]),
        [
          ['unknown_metric', 1],
          ['too_many_tags', 2],
        ],
      );
      assert.match(outcome.rejected[0]!.example, /new__metric.*No such name for 'metrics'/);
    } finally {
      await adapter.close();
    }
  });

  it('stores the good points of a request that also has bad ones', async () => {
    const open = await startOpenTsdbStandIn({ autoCreateMetrics: true, maxTags: 2 });
    const adapter = createTestAdapter({ url: open.url });
    await adapter.start(abortSignal());
    try {
      const t = 1_700_000_000_000;
      const good = { __name__: 'mixed', a: '1' };
      const batch = makeBatch([
        { labels: good, samples: [[t, bitsOf(1)]] },
        { labels: { __name__: 'mixed', a: '1', b: '2', c: '3' }, samples: [[t, bitsOf(2)]] },
      ]);
      const outcome = await adapter.write(batch, abortSignal());
      assert.deepEqual(outcome.written, 1);
      assert.deepEqual(
        outcome.rejected.map((r) => r.reason),
        ['too_many_tags'],
      );
      const got = await readAll(adapter, [{ type: 'EQ', name: '__name__', value: 'mixed' }]);
      assert.equal(got.size, 1);
      assert.deepEqual([...got.values()][0]!.samples, [[t, bitsOf(1)]]);
    } finally {
      await adapter.close();
      await open.close();
    }
  });
});
