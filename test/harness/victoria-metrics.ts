// A throwaway VictoriaMetrics 1.79.5 single node (Debian `victoria-metrics`, backends.md §4) for
// integration tests: free loopback ports for HTTP and the Influx listener, optional Graphite and
// OpenTSDB listeners (other adapters' tests reuse this harness), -retentionPeriod=100y so old test
// timestamps are kept, and a force_flush + poll helper for /api/v1/export (data shows up ~1 s after
// a flush). Stop by PID.

import { ensureBinary } from './packages.js';
import { freePort, sleep, startDaemon, tempDir, waitFor, type Daemon } from './process.js';

const VM = '/usr/bin/victoria-metrics';

export interface VictoriaMetricsOptions {
  /** Also listen for Graphite plaintext (TCP and UDP) on a free port. */
  readonly graphite?: boolean;
  /** Also listen for OpenTSDB telnet `put` (and HTTP on the same port) on a free port. */
  readonly opentsdb?: boolean;
  /** Also listen for OpenTSDB HTTP /api/put on a free port. */
  readonly opentsdbHttp?: boolean;
  /** Further flags, passed as given. */
  readonly extraFlags?: readonly string[];
}

/** One line of /api/v1/export. */
export interface ExportedSeries {
  readonly metric: Record<string, string>;
  readonly values: number[];
  readonly timestamps: number[];
}

export interface VictoriaMetricsServer {
  /** http://127.0.0.1:PORT (also serves Influx /write and /api/v2/write). */
  readonly url: string;
  readonly influxPort: number;
  readonly graphitePort?: number;
  readonly opentsdbPort?: number;
  readonly opentsdbHttpPort?: number;
  forceFlush(): Promise<void>;
  /** /api/v1/export for a series selector, parsed (JSON lines). */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  /** Force-flushes, then polls the export until `done` accepts it (default: any series), up to timeoutMs. */
  waitForExport(
    match: string,
    done?: (series: ExportedSeries[]) => boolean,
    timeoutMs?: number,
  ): Promise<ExportedSeries[]>;
  output(): string;
  destroy(): Promise<void>;
}

export async function startVictoriaMetrics(
  options: VictoriaMetricsOptions = {},
): Promise<VictoriaMetricsServer> {
  ensureBinary(VM, ['victoria-metrics']);
  const dir = tempDir('vm');
  const port = await freePort();
  const influxPort = await freePort();
  const graphitePort = options.graphite ? await freePort() : undefined;
  const opentsdbPort = options.opentsdb ? await freePort() : undefined;
  const opentsdbHttpPort = options.opentsdbHttp ? await freePort() : undefined;
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `-storageDataPath=${dir.path}/data`,
    `-httpListenAddr=127.0.0.1:${port}`,
    `-influxListenAddr=127.0.0.1:${influxPort}`,
    '-retentionPeriod=100y',
    '-search.disableCache',
    '-search.latencyOffset=0s',
    '-loggerLevel=ERROR',
  ];
  if (graphitePort !== undefined) args.push(`-graphiteListenAddr=127.0.0.1:${graphitePort}`);
  if (opentsdbPort !== undefined) args.push(`-opentsdbListenAddr=127.0.0.1:${opentsdbPort}`);
  if (opentsdbHttpPort !== undefined) args.push(`-opentsdbHTTPListenAddr=127.0.0.1:${opentsdbHttpPort}`);
  args.push(...(options.extraFlags ?? []));

  const daemon: Daemon = startDaemon(VM, args);
  const onExit = () => {
    process.kill(daemon.pid, 'SIGKILL');
    dir.remove();
  };
  process.once('exit', onExit);
  const destroy = async () => {
    await daemon.stop(20_000);
    dir.remove();
    process.removeListener('exit', onExit);
  };
  try {
    await waitFor('VictoriaMetrics /health', async () => {
      if (daemon.child.exitCode !== null)
        throw new Error(`victoria-metrics exited: ${daemon.output().slice(-2000)}`);
      return (await fetch(`${url}/health`)).status === 200;
    });
  } catch (err) {
    await destroy();
    throw err;
  }

  const forceFlush = async () => {
    const res = await fetch(`${url}/internal/force_flush`);
    await res.text();
  };
  const exportSeries = async (match: string): Promise<ExportedSeries[]> => {
    const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match })}`);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`export ${match}: ${res.status} ${text}`);
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ExportedSeries);
  };
  return {
    url,
    influxPort,
    graphitePort,
    opentsdbPort,
    opentsdbHttpPort,
    forceFlush,
    exportSeries,
    async waitForExport(match, done = (s) => s.length > 0, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last: ExportedSeries[] = [];
      while (Date.now() < deadline) {
        await forceFlush();
        last = await exportSeries(match);
        if (done(last)) return last;
        await sleep(250);
      }
      throw new Error(
        `VictoriaMetrics export of ${match} incomplete after ${timeoutMs} ms: ${JSON.stringify(last).slice(0, 500)}`,
      );
    },
    output: () => daemon.output(),
    destroy,
  };
}
