// End to end with the real Prometheus 2.42 (backends.md §5): Prometheus "source" scrapes a
// deterministic target and itself every second and remote-writes to promgate; Prometheus
// "reader" has no scrape configs and answers PromQL only through remote_read from promgate.
// For data promgate has fully received, both must give identical answers, value for value.
//
// The reader carries the source's external labels, so it adds them to every read as EQ
// matchers and strips them from the results (filter_external_labels), which is what makes its
// answers comparable with the source's local ones.
//
// PROMGATE_E2E_STORAGE=prometheus swaps promgate for a third Prometheus with its remote-write
// receiver: the same test then checks the harness and the queries against the reference.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/log.js';
import { tempDir, waitFor } from '../harness/process.js';
import {
  SPECIAL_LABEL_VALUE,
  sortSeries,
  startPrometheus,
  startScrapeTarget,
  type PromResult,
  type RunningPrometheus,
  type ScrapeTarget,
} from '../harness/prometheus.js';

const EXTERNAL_LABELS = { cluster: 'e2e', replica: 'a' };
/** Scrapes of the target before the evaluation time is chosen (1 s interval). */
const SCRAPES_BEFORE_T = 14;
/** Metrics whose every series must be stored up to T before comparing. */
const GATED_METRICS = ['up', 'target_gauge', 'target_nan', 'target_inf', 'target_requests_total'];

interface Storage {
  readonly writeUrl: string;
  readonly readUrl: string;
  /** Recent log lines, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

async function startPromgate(): Promise<Storage> {
  // Loaded lazily so that the reference run works without the gateway.
  const { parseConfig } = await import('../../src/config/config.js');
  const { startGateway } = await import('../../src/gateway.js');
  const dir = tempDir('e2e-pglite');
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    write: (line) => {
      lines.push(line);
      if (lines.length > 500) lines.splice(0, 100);
    },
  });
  try {
    const config = parseConfig({
      web: { listen_address: '127.0.0.1:0' },
      backends: [{ name: 'pg', type: 'postgres', url: `pglite://${dir.path}`, read: true }],
    });
    const gw = await startGateway(config, { logger, defaultMetrics: false });
    try {
      await waitFor(
        'promgate /-/ready',
        async () => {
          const res = await fetch(`${gw.url}/-/ready`);
          await res.arrayBuffer();
          return res.ok;
        },
        30_000,
        100,
      );
    } catch (err) {
      await gw.close();
      throw err;
    }
    return {
      writeUrl: `${gw.url}/api/v1/write`,
      readUrl: `${gw.url}/api/v1/read`,
      logs: () => lines.slice(-40).join('\n'),
      close: async () => {
        await gw.close();
        dir.remove();
      },
    };
  } catch (err) {
    dir.remove();
    throw err;
  }
}

async function startReferenceStorage(): Promise<Storage> {
  const prom = await startPrometheus({ extraFlags: ['--web.enable-remote-write-receiver'] });
  return {
    writeUrl: `${prom.url}/api/v1/write`,
    readUrl: `${prom.url}/api/v1/read`,
    logs: () => prom.output().split('\n').slice(-40).join('\n'),
    close: () => prom.stop(),
  };
}

/** Both answers, normalised for comparison. */
function same(expr: string, local: PromResult, remote: PromResult): void {
  assert.deepEqual(remote.warnings, [], `${expr}: reader warnings`);
  assert.equal(remote.resultType, local.resultType, `${expr}: result type`);
  assert.deepEqual(
    sortSeries(remote),
    sortSeries(local),
    `${expr}: reader (via promgate) differs from source`,
  );
  assert.deepEqual(remote.value, local.value, `${expr}: scalar value`);
}

describe('real Prometheus remote_write → promgate → remote_read', { timeout: 110_000 }, () => {
  let storage: Storage | undefined;
  let target: ScrapeTarget | undefined;
  let source: RunningPrometheus | undefined;
  let reader: RunningPrometheus | undefined;
  /** Evaluation time in whole seconds, safely before the newest data promgate holds. */
  let T = 0;

  const context = () =>
    `\n--- storage log ---\n${storage?.logs() ?? ''}\n--- source log ---\n${source?.output().slice(-2000) ?? ''}` +
    `\n--- reader log ---\n${reader?.output().slice(-2000) ?? ''}`;

  before(
    async () => {
      storage =
        process.env.PROMGATE_E2E_STORAGE === 'prometheus'
          ? await startReferenceStorage()
          : await startPromgate();
      target = await startScrapeTarget();
      source = await startPrometheus({
        scrapeSelf: true,
        scrapeJobs: [{ jobName: 'target', targets: [target.address] }],
        externalLabels: EXTERNAL_LABELS,
        remoteWrite: [{ url: storage.writeUrl, name: 'promgate' }],
      });
      reader = await startPrometheus({
        externalLabels: EXTERNAL_LABELS,
        remoteRead: [{ url: storage.readUrl, name: 'promgate', readRecent: true }],
      });

      const t = target;
      await waitFor(
        `${SCRAPES_BEFORE_T} scrapes of the target`,
        () => t.scrapes() >= SCRAPES_BEFORE_T,
        40_000,
        200,
      );
      T = Math.floor(Date.now() / 1000) - 2;

      // Every gated series must have a sample after T in promgate (Prometheus sends each
      // series in order), and promgate must hold as many series as the source.
      const src = source;
      const rd = reader;
      const lag: string[] = [];
      try {
        await waitFor(
          `promgate to hold every series up to T=${T}`,
          async () => {
            lag.length = 0;
            const now = Date.now() / 1000;
            for (const name of GATED_METRICS) {
              const want = await src.query(`count(${name})`, now);
              const got = await rd.query(`count(${name}) and min(timestamp(${name})) > ${T}`, now);
              const w = want.result[0]?.value?.[1];
              const g = got.result[0]?.value?.[1];
              if (got.warnings.length > 0) throw new Error(`reader warnings: ${got.warnings.join('; ')}`);
              if (w === undefined || g !== w)
                lag.push(`${name}: source ${w ?? 'none'}, promgate ${g ?? 'not yet'}`);
            }
            return lag.length === 0;
          },
          30_000,
          500,
        );
      } catch (err) {
        throw new Error(`${(err as Error).message}; ${lag.join(', ')}${context()}`, { cause: err });
      }
    },
    { timeout: 100_000 },
  );

  after(
    async () => {
      // Prometheus first: a source whose remote_write endpoint is gone blocks SIGTERM for 1 m.
      await reader?.stop(5_000);
      await source?.stop(5_000);
      await storage?.close();
      await target?.close();
    },
    { timeout: 30_000 },
  );

  const instant = [
    'up',
    'target_gauge',
    'target_nan',
    'target_inf',
    'sum by (job) (up)',
    'rate(target_requests_total[10s])',
    'increase(target_requests_total{path="/c"}[8s])',
    '{__name__=~"target_.*", job=~"tar.*"}',
    'target_gauge{kind!="a"}',
    'target_requests_total{code!~"5.."}',
    '{__name__=~"target_(gauge|inf)", kind=~"|a|special"}',
    `target_gauge{text=${JSON.stringify(SPECIAL_LABEL_VALUE)}}`,
    // (?s) explicitly: Prometheus 2.42's own engine does not let `.` match newline (3.x does).
    'target_gauge{text=~"(?s).*😀.*"}',
    'target_gauge{text=~"(?is)QUOTE.*"}',
    'count by (__name__) ({__name__=~"target_.*"})',
    'target_requests_total offset 3s',
    '{__name__=~"target_requests_total|up", job="target"}[5s]',
    'absent(target_no_such_metric)',
    'scalar(sum(target_gauge{kind="a"}))',
  ];
  for (const expr of instant) {
    it(`instant ${expr}`, async () => {
      const local = await source!.query(expr, T);
      const remote = await reader!.query(expr, T);
      assert.ok(local.result.length > 0 || local.value !== undefined, `${expr}: the source has no data at T`);
      same(expr, local, remote);
    });
  }

  const ranges = [
    'target_requests_total',
    'rate(target_requests_total[4s])',
    'up{job="target"}',
    'target_gauge',
  ];
  for (const expr of ranges) {
    it(`range ${expr}`, async () => {
      const local = await source!.queryRange(expr, T - 8, T, 1);
      const remote = await reader!.queryRange(expr, T - 8, T, 1);
      assert.ok(local.result.length > 0, `${expr}: the source has no data in range`);
      same(expr, local, remote);
    });
  }

  it('matches `.` across a newline (Prometheus 3 semantics), unlike the 2.42 source', async () => {
    // The special value contains "\n" before the emoji. Prometheus 2.42 anchors regexes as
    // ^(?:re)$ without (?s), so its local answer is empty; promgate follows ^(?s:re)$
    // (protocols.md §4.6), and the 2.42 reader does not re-filter remote series.
    const expr = 'target_gauge{text=~".*😀.*"}';
    const local = await source!.query(expr, T);
    const remote = await reader!.query(expr, T);
    assert.deepEqual(local.result, []);
    assert.deepEqual(remote.warnings, []);
    const reference = process.env.PROMGATE_E2E_STORAGE === 'prometheus';
    assert.equal(remote.result.length, reference ? 0 : 1, JSON.stringify(remote.result));
  });

  it('returns nothing for label="" when every series has the label', async () => {
    // Prometheus does not re-filter what remote read returns: only promgate's matching keeps this empty.
    const remote = await reader!.query('up{instance=""}', T);
    assert.deepEqual(remote.warnings, []);
    assert.deepEqual(remote.result, []);
  });
});
