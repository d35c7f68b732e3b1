// api v2 (the @influxdata/influxdb-client write API) against a real server that speaks
// /api/v2/write: VictoriaMetrics 1.79.5. VM names what it stores `{measurement}_{field}` and
// ignores org/bucket/token (backends.md §4), so the check is on its export API.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bitsOf, makeBatch } from '../../test/contract/adapter-contract.js';
import { startVictoriaMetrics, type VictoriaMetricsServer } from '../../test/harness/victoria-metrics.js';
import { signal, startTestAdapter } from './test-support.js';

let vm: VictoriaMetricsServer | undefined;
before(async () => {
  vm = await startVictoriaMetrics();
});
after(async () => {
  await vm?.destroy();
});

describe('influxdb api v2 on VictoriaMetrics /api/v2/write', () => {
  it('writes every point through the official client; VM export shows exact values and tags', async () => {
    const adapter = await startTestAdapter({
      url: vm!.url,
      api: 'v2',
      org: 'myorg',
      bucket: 'mybucket',
      token: 'secret-token',
      batch_max_points: 7,
    });
    try {
      const base = 1_700_000_000_000;
      // VM keeps about 12 significant digits with one decimal exponent per block, so the values
      // share a magnitude here; bit-exact float formatting is checked against InfluxDB.
      const values = [0.25, 1.5, 42, 100, 7.75, 3];
      const batch = makeBatch([
        {
          labels: { __name__: 'v2test_metric', job: 'api', 'odd key': 'a,b=c d', uni: 'Grüße 世界' },
          samples: values.map((v, i) => [base + i * 1000, bitsOf(v)] as const),
        },
        { labels: { __name__: 'v2test_other', k: '1' }, samples: [[base, bitsOf(7)]] },
      ]);
      const outcome = await adapter.write(batch, signal());
      assert.deepEqual(outcome, { written: 7, rejected: [] });
      const got = await vm!.waitForExport('{__name__=~"v2test_.*"}', (s) => s.length === 2);
      const main = got.find((s) => s.metric.__name__ === 'v2test_metric_value');
      assert.ok(main, JSON.stringify(got));
      assert.equal(main.metric.job, 'api');
      assert.equal(main.metric['odd key'], 'a,b=c d');
      assert.equal(main.metric.uni, 'Grüße 世界');
      assert.deepEqual(
        main.timestamps,
        values.map((_, i) => base + i * 1000),
      );
      assert.deepEqual(main.values, values);
      const other = got.find((s) => s.metric.__name__ === 'v2test_other_value');
      assert.deepEqual(other?.values, [7]);
    } finally {
      await adapter.close();
    }
  });

  it('refuses writes after close with RetryableError CLOSED', async () => {
    const adapter = await startTestAdapter({ url: vm!.url, api: 'v2', org: 'o', bucket: 'b' });
    try {
      await adapter.close();
      await assert.rejects(
        adapter.write(makeBatch([{ labels: { __name__: 'x' }, samples: [[1, bitsOf(1)]] }]), signal()),
        {
          code: 'CLOSED',
        },
      );
    } finally {
      await adapter.close();
    }
  });
});
