// Runs Debian's real Prometheus (2.42) for end-to-end tests (backends.md §5): a free loopback
// port, a temp dir, a generated config, readiness on /-/ready, PromQL over its HTTP API, and a
// stop by PID. Also a tiny scrape target with deterministic metrics.
//
// Timing facts that shape the callers: ready in < 0.4 s; the first remote_write arrives ~6 s
// after start (WAL replay, then batch_send_deadline); SIGTERM can block for the 1 m flush
// deadline while its remote_write endpoint is down, so stop Prometheus before the gateway.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureBinary } from './packages.js';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from './process.js';

const PROMETHEUS = '/usr/bin/prometheus';

export interface ScrapeJob {
  readonly jobName: string;
  /** host:port of each target. */
  readonly targets: readonly string[];
  readonly metricsPath?: string;
  /** Extra target labels. */
  readonly labels?: Record<string, string>;
}

export interface RemoteWriteTarget {
  readonly url: string;
  readonly name?: string;
  /** Merged over the test defaults (batch_send_deadline 1s, short backoff). */
  readonly queueConfig?: Record<string, unknown>;
  /** Further remote_write keys, e.g. { send_native_histograms: true, send_exemplars: true }. */
  readonly settings?: Record<string, unknown>;
}

export interface RemoteReadSource {
  readonly url: string;
  readonly name?: string;
  /** Default true: always ask the remote, whatever the local TSDB holds (protocols.md trap 23). */
  readonly readRecent?: boolean;
  readonly requiredMatchers?: Record<string, string>;
  readonly filterExternalLabels?: boolean;
}

export interface PrometheusOptions {
  /** Global scrape_interval in seconds (default 1). */
  readonly scrapeIntervalSec?: number;
  readonly externalLabels?: Record<string, string>;
  readonly scrapeJobs?: readonly ScrapeJob[];
  /** Add a job named "prometheus" scraping this Prometheus itself (default false). */
  readonly scrapeSelf?: boolean;
  readonly remoteWrite?: readonly RemoteWriteTarget[];
  readonly remoteRead?: readonly RemoteReadSource[];
  /** Extra command-line flags, e.g. --web.enable-remote-write-receiver. */
  readonly extraFlags?: readonly string[];
  /** How long to wait for /-/ready (default 15 s). */
  readonly readyTimeoutMs?: number;
}

/** One series of a PromQL answer; values are [seconds, "value"] as the HTTP API returns them. */
export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly value?: [number, string];
  readonly values?: [number, string][];
}

export interface PromResult {
  readonly resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  /** Vector/matrix series; for scalar and string the single [t, v] pair is in `value`. */
  readonly result: PromSeries[];
  readonly value?: [number, string];
  readonly warnings: string[];
}

export interface RunningPrometheus {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** The generated configuration (YAML text). */
  readonly config: string;
  query(expr: string, timeSec: number): Promise<PromResult>;
  queryRange(expr: string, startSec: number, endSec: number, stepSec: number): Promise<PromResult>;
  /** GET on any API path (e.g. /api/v1/series) returning the parsed `data`. */
  api(path: string, params?: Record<string, string | string[]>): Promise<unknown>;
  /** Everything Prometheus logged so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after timeoutMs (default 5 s); removes the temp dir. Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
}

const QUEUE_DEFAULTS = {
  batch_send_deadline: '1s',
  min_backoff: '50ms',
  max_backoff: '1s',
};

/** The Prometheus configuration as a plain object (YAML keys). */
export function prometheusConfig(options: PrometheusOptions, selfAddress: string): Record<string, unknown> {
  const interval = `${options.scrapeIntervalSec ?? 1}s`;
  const jobs: ScrapeJob[] = [...(options.scrapeJobs ?? [])];
  if (options.scrapeSelf) jobs.unshift({ jobName: 'prometheus', targets: [selfAddress] });
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: interval,
      // Prometheus rejects a scrape_timeout above the interval (its default is 10s).
      scrape_timeout: interval,
      evaluation_interval: interval,
      ...(options.externalLabels ? { external_labels: options.externalLabels } : {}),
    },
    scrape_configs: jobs.map((j) => ({
      job_name: j.jobName,
      ...(j.metricsPath ? { metrics_path: j.metricsPath } : {}),
      static_configs: [{ targets: [...j.targets], ...(j.labels ? { labels: j.labels } : {}) }],
    })),
  };
  if (options.remoteWrite?.length) {
    config.remote_write = options.remoteWrite.map((w, i) => ({
      url: w.url,
      name: w.name ?? `rw${i}`,
      queue_config: { ...QUEUE_DEFAULTS, ...w.queueConfig },
      ...w.settings,
    }));
  }
  if (options.remoteRead?.length) {
    config.remote_read = options.remoteRead.map((r, i) => ({
      url: r.url,
      name: r.name ?? `rr${i}`,
      read_recent: r.readRecent ?? true,
      ...(r.requiredMatchers ? { required_matchers: r.requiredMatchers } : {}),
      ...(r.filterExternalLabels === undefined ? {} : { filter_external_labels: r.filterExternalLabels }),
    }));
  }
  return config;
}

async function getJson(url: string): Promise<{ data?: unknown; warnings?: string[] }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let body: { status?: string; data?: unknown; warnings?: string[]; errorType?: string; error?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`${url}: HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
  }
  if (body.status !== 'success') {
    throw new Error(
      `${url}: HTTP ${res.status} ${body.errorType ?? ''}: ${body.error ?? text.slice(0, 300)}`,
    );
  }
  return body;
}

function toResult(body: { data?: unknown; warnings?: string[] }): PromResult {
  const data = body.data as { resultType: PromResult['resultType']; result: unknown };
  const warnings = body.warnings ?? [];
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return { resultType: data.resultType, result: [], value: data.result as [number, string], warnings };
  }
  return { resultType: data.resultType, result: data.result as PromSeries[], warnings };
}

/** Starts Prometheus and waits until it is ready. Installs the Debian package when root. */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const binary = ensureBinary(PROMETHEUS, ['prometheus']);
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const dir = tempDir('prometheus');
  const config = stringify(prometheusConfig(options, address));
  const configPath = join(dir.path, 'prometheus.yml');
  writeFileSync(configPath, config);

  let daemon: Daemon;
  try {
    daemon = startDaemon(
      binary,
      [
        `--config.file=${configPath}`,
        `--storage.tsdb.path=${join(dir.path, 'data')}`,
        `--web.listen-address=${address}`,
        '--web.enable-lifecycle',
        ...(options.extraFlags ?? []),
      ],
      { cwd: dir.path },
    );
  } catch (err) {
    dir.remove();
    throw err;
  }
  const url = `http://${address}`;

  let stopped: Promise<void> | undefined;
  const stop = (timeoutMs = 5_000): Promise<void> => {
    stopped ??= daemon.stop(timeoutMs).finally(() => dir.remove());
    return stopped;
  };

  try {
    await waitFor(
      `Prometheus ready on ${address}`,
      async () => {
        if (daemon.child.exitCode !== null) {
          throw new Error(
            `prometheus exited with ${daemon.child.exitCode}:\n${daemon.output().slice(-2000)}`,
          );
        }
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
        await res.arrayBuffer();
        return res.ok;
      },
      options.readyTimeoutMs ?? 15_000,
      50,
    );
  } catch (err) {
    await stop(2_000);
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `${why}\n--- prometheus output ---\n${daemon.output().slice(-3000)}\n--- config ---\n${config}`,
      { cause: err },
    );
  }

  const api = async (path: string, params: Record<string, string | string[]> = {}): Promise<unknown> => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
    return (await getJson(`${url}${path}?${q}`)).data;
  };

  return {
    url,
    port,
    pid: daemon.pid,
    dir: dir.path,
    config,
    query: async (expr, timeSec) =>
      toResult(
        await getJson(`${url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(timeSec) })}`),
      ),
    queryRange: async (expr, startSec, endSec, stepSec) =>
      toResult(
        await getJson(
          `${url}/api/v1/query_range?${new URLSearchParams({
            query: expr,
            start: String(startSec),
            end: String(endSec),
            step: String(stepSec),
          })}`,
        ),
      ),
    api,
    output: () => daemon.output(),
    stop,
  };
}

/** Series sorted by their label sets, for order-independent comparison of two answers. */
export function sortSeries(result: PromResult): PromSeries[] {
  const key = (s: PromSeries) =>
    JSON.stringify(Object.entries(s.metric).sort(([a], [b]) => (a < b ? -1 : 1)));
  return [...result.result].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// ---- scrape target -------------------------------------------------------------------------

/** The label value with characters that need escaping in every layer. */
export const SPECIAL_LABEL_VALUE = 'quote" backslash\\ newline\n ünï 😀 \'; --';

export interface ScrapeTarget {
  /** host:port, for static_configs. */
  readonly address: string;
  /** How many times /metrics was served. */
  scrapes(): number;
  close(): Promise<void>;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The exposition text for the n-th scrape (n from 1). Gauges are constant, counters grow by a
 * fixed step per scrape, so every value is a function of the scrape number only.
 */
export function targetMetrics(n: number): string {
  return [
    '# HELP target_gauge A gauge with several label sets.',
    '# TYPE target_gauge gauge',
    'target_gauge{kind="a"} 1.5',
    'target_gauge{kind="b"} -2.25',
    'target_gauge{kind="big"} 1e+300',
    `target_gauge{kind="special",text="${escapeLabelValue(SPECIAL_LABEL_VALUE)}"} 42`,
    '# HELP target_nan A gauge that is always NaN.',
    '# TYPE target_nan gauge',
    'target_nan NaN',
    '# HELP target_inf Gauges at the infinities.',
    '# TYPE target_inf gauge',
    'target_inf{sign="pos"} +Inf',
    'target_inf{sign="neg"} -Inf',
    '# HELP target_requests_total A counter that grows every scrape.',
    '# TYPE target_requests_total counter',
    `target_requests_total{path="/a",code="200"} ${5 * n}`,
    `target_requests_total{path="/b",code="500"} ${0.5 * n}`,
    `target_requests_total{path="/c",code="200"} ${n * n}`,
    '',
  ].join('\n');
}

/** Serves targetMetrics() on a free loopback port at /metrics. */
export async function startScrapeTarget(): Promise<ScrapeTarget> {
  let served = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    served++;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(targetMetrics(served));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    scrapes: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
