// The end-to-end suite every backend runs with the real Prometheus 2.42 (backends.md §5):
// Prometheus "source" scrapes a deterministic target (NaN, +Inf, a hostile label value) and
// itself every second and remote-writes to a storage; Prometheus "reader" has no scrape
// configs and answers PromQL only through remote_read from that storage. For data the storage
// has fully received, both must give identical answers, value for value.
//
// The reader carries the source's external labels, so it adds them to every read as EQ
// matchers and strips them from the results (filter_external_labels), which is what makes its
// answers comparable with the source's local ones.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import { startGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/log.js';
import { waitFor } from '../harness/process.js';
import {
  SPECIAL_LABEL_VALUE,
  sortSeries,
  startPrometheus,
  startScrapeTarget,
  type PromResult,
  type RunningPrometheus,
  type ScrapeTarget,
} from '../harness/prometheus.js';

export interface E2eStorage {
  readonly writeUrl: string;
  readonly readUrl: string;
  /** Recent log lines, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

export interface RoundTripState {
  /** Evaluation time in whole seconds, safely before the newest data the storage holds. */
  readonly T: number;
  readonly source: RunningPrometheus;
  readonly reader: RunningPrometheus;
}

export interface RoundTripOptions {
  readonly name: string;
  startStorage(): Promise<E2eStorage>;
  /** Whether the storage is promgate (false: the reference Prometheus receiver). */
  readonly promgate: boolean;
  /** More cases for this storage, run after the shared ones. */
  extraCases?(state: () => RoundTripState): void;
}

const EXTERNAL_LABELS = { cluster: 'e2e', replica: 'a' };
/** Scrapes of the target before the evaluation time is chosen (1 s interval). */
const SCRAPES_BEFORE_T = 14;
/** Metrics whose every series must be stored up to T before comparing. */
const GATED_METRICS = ['up', 'target_gauge', 'target_nan', 'target_inf', 'target_requests_total'];

const INSTANT_QUERIES = [
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

const RANGE_QUERIES = [
  'target_requests_total',
  'rate(target_requests_total[4s])',
  'up{job="target"}',
  'target_gauge',
];

/** promgate with the given backends on a free port, ready, its log kept for failure messages. */
export async function startPromgateStorage(backends: Record<string, unknown>[]): Promise<E2eStorage> {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    write: (line) => {
      lines.push(line);
      if (lines.length > 500) lines.splice(0, 100);
    },
  });
  const config = parseConfig({ web: { listen_address: '127.0.0.1:0' }, backends });
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
    close: () => gw.close(),
  };
}

/** Both answers, normalised for comparison. */
function same(expr: string, local: PromResult, remote: PromResult): void {
  assert.deepEqual(remote.warnings, [], `${expr}: reader warnings`);
  assert.equal(remote.resultType, local.resultType, `${expr}: result type`);
  assert.deepEqual(
    sortSeries(remote),
    sortSeries(local),
    `${expr}: reader (via the storage) differs from source`,
  );
  assert.deepEqual(remote.value, local.value, `${expr}: scalar value`);
}

export function describePrometheusRoundTrip(options: RoundTripOptions): void {
  describe(options.name, { timeout: 120_000 }, () => {
    let storage: E2eStorage | undefined;
    let target: ScrapeTarget | undefined;
    let source: RunningPrometheus | undefined;
    let reader: RunningPrometheus | undefined;
    let T = 0;
    const state = (): RoundTripState => ({ T, source: source!, reader: reader! });
    const context = () =>
      `\n--- storage log ---\n${storage?.logs() ?? ''}\n--- source log ---\n${source?.output().slice(-2000) ?? ''}` +
      `\n--- reader log ---\n${reader?.output().slice(-2000) ?? ''}`;

    before(
      async () => {
        storage = await options.startStorage();
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

        // Every gated series must have a sample after T in the storage (Prometheus sends each
        // series in order), and the storage must hold as many series as the source.
        const src = source;
        const rd = reader;
        const lag: string[] = [];
        try {
          await waitFor(
            `the storage to hold every series up to T=${T}`,
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
                  lag.push(`${name}: source ${w ?? 'none'}, storage ${g ?? 'not yet'}`);
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
      { timeout: 110_000 },
    );

    after(
      async () => {
        // Prometheus first: a source whose remote_write endpoint is gone blocks SIGTERM for 1 m.
        await reader?.stop(5_000);
        await source?.stop(5_000);
        await storage?.close();
        await target?.close();
      },
      { timeout: 40_000 },
    );

    for (const expr of INSTANT_QUERIES) {
      it(`instant ${expr}`, async () => {
        const local = await source!.query(expr, T);
        const remote = await reader!.query(expr, T);
        assert.ok(
          local.result.length > 0 || local.value !== undefined,
          `${expr}: the source has no data at T`,
        );
        same(expr, local, remote);
      });
    }

    for (const expr of RANGE_QUERIES) {
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
      assert.equal(remote.result.length, options.promgate ? 1 : 0, JSON.stringify(remote.result));
    });

    it('returns nothing for label="" when every series has the label', async () => {
      // Prometheus does not re-filter what remote read returns: only the storage's matching keeps this empty.
      const remote = await reader!.query('up{instance=""}', T);
      assert.deepEqual(remote.warnings, []);
      assert.deepEqual(remote.result, []);
    });

    options.extraCases?.(state);
  });
}
