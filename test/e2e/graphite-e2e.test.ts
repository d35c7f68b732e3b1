// End to end with the real Prometheus 2.42, carbon-cache 1.1.7 and graphite-web 1.1.8 (issue 4):
// Prometheus "source" scrapes a deterministic target and remote-writes through promgate into
// carbon (tags mode); Prometheus "reader" has no scrape configs and answers PromQL only through
// remote_read from promgate, which reads graphite-web's render API.
//
// At Graphite's resolution: carbon floors the scrape times to seconds, so the reader at T sees
// the samples the source has before T+1 s. Constant series must answer identically at T; the
// counter as the source answers at T + 0.999 s. NaN cannot be stored (rejected, counted).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CarbonServer } from '../harness/carbon.js';
import { startCarbonWithWeb, type GraphiteWeb } from '../harness/graphite-web.js';
import { waitFor } from '../harness/process.js';
import {
  SPECIAL_LABEL_VALUE,
  sortSeries,
  startPrometheus,
  startScrapeTarget,
  type RunningPrometheus,
  type ScrapeTarget,
} from '../harness/prometheus.js';
import { startPromgateStorage, type E2eStorage } from './roundtrip-suite.js';

const EXTERNAL_LABELS = { cluster: 'e2e', replica: 'a' };

const CONSTANT_QUERIES = [
  'target_gauge',
  'target_inf',
  'up{job="target"}',
  'target_gauge{kind!="a"}',
  '{__name__=~"target_(gauge|inf)", kind=~"|a|special"}',
  `target_gauge{text=${JSON.stringify(SPECIAL_LABEL_VALUE)}}`,
  'target_gauge{text=~"(?s).*😀.*"}',
  'count by (__name__) ({__name__=~"target_(gauge|inf)"})',
  'sum by (kind) (target_gauge{kind=~"a|b"})',
];

describe('real Prometheus → promgate → carbon + graphite-web → remote_read', { timeout: 150_000 }, () => {
  let carbon: CarbonServer | undefined;
  let web: GraphiteWeb | undefined;
  let storage: E2eStorage | undefined;
  let target: ScrapeTarget | undefined;
  let source: RunningPrometheus | undefined;
  let reader: RunningPrometheus | undefined;
  let T = 0;

  before(
    async () => {
      ({ carbon, web } = await startCarbonWithWeb());
      storage = await startPromgateStorage([
        {
          name: 'graphite',
          type: 'graphite',
          address: `127.0.0.1:${carbon.linePort}`,
          mode: 'tags',
          render_url: web.renderUrl,
          read: true,
        },
      ]);
      target = await startScrapeTarget();
      source = await startPrometheus({
        scrapeJobs: [{ jobName: 'target', targets: [target.address] }],
        externalLabels: EXTERNAL_LABELS,
        remoteWrite: [{ url: storage.writeUrl, name: 'promgate' }],
      });
      reader = await startPrometheus({
        externalLabels: EXTERNAL_LABELS,
        remoteRead: [{ url: storage.readUrl, name: 'promgate', readRecent: true }],
      });
      const t = target;
      await waitFor('12 scrapes of the target', () => t.scrapes() >= 12, 40_000, 200);
      T = Math.floor(Date.now() / 1000) - 3;
      const src = source;
      const rd = reader;
      await waitFor(
        `the reader to see every series past T=${T}`,
        async () => {
          for (const name of ['target_gauge', 'target_inf', 'target_requests_total']) {
            const want = (await src.query(`count(${name})`, T)).result[0]?.value?.[1];
            const got = (await rd.query(`count(${name}) and min(timestamp(${name})) > ${T}`, T + 2)).result[0]
              ?.value?.[1];
            if (want === undefined || got !== want) return false;
          }
          return true;
        },
        40_000,
        500,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n--- promgate ---\n${storage?.logs() ?? ''}`);
      });
    },
    { timeout: 140_000 },
  );

  after(async () => {
    // Prometheus first: its shutdown blocks while its remote_write endpoint is down.
    await source?.stop();
    await reader?.stop();
    await target?.close();
    await storage?.close();
    await carbon?.destroy();
    await web?.destroy();
  });

  for (const expr of CONSTANT_QUERIES) {
    it(`answers ${expr} like the source`, async () => {
      const local = await source!.query(expr, T);
      const remote = await reader!.query(expr, T);
      assert.deepEqual(remote.warnings, []);
      assert.ok(local.result.length > 0, 'the source has data');
      assert.deepEqual(sortSeries(remote), sortSeries(local));
    });
  }

  it('answers the counter as the source does one second later, less a millisecond', async () => {
    const local = await source!.query('target_requests_total', T + 0.999);
    const remote = await reader!.query('target_requests_total', T);
    assert.ok(local.result.length > 0);
    // Same series and values; only the evaluation times differ (T vs T + 0.999).
    const values = (r: typeof local) => sortSeries(r).map((s) => [s.metric, s.value?.[1]]);
    assert.deepEqual(values(remote), values(local));
  });

  it('has no NaN series: carbon cannot store NaN (counted as rejected)', async () => {
    assert.equal((await source!.query('target_nan', T)).result.length, 1);
    assert.equal((await reader!.query('target_nan', T)).result.length, 0);
  });
});
