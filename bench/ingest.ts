// End-to-end ingestion: remote-write bodies over HTTP (4 keep-alive connections, one request in
// flight on each, like 4 Prometheus shards) into promgate running as its own process, storing
// into a real PostgreSQL 15 started by the test harness. Reports samples/s per run, the
// gateway's RSS (after the first scrape, at the end, peak) and its CPU use.

import { startPostgres } from '../test/harness/postgres.js';
import { createSender, procStats, startGatewayProcess, timedRate } from './http-load.js';
import { median, type BenchReport } from './report.js';
import { buildScrapeRuns } from './workload.js';

export interface IngestBenchOptions {
  readonly series?: number;
  /** Measured runs after the first scrape (which creates the series and is reported apart). */
  readonly runs?: number;
  /** Scrapes of every series per run. */
  readonly scrapesPerRun?: number;
  readonly connections?: number;
}

export async function runIngestBench(options: IngestBenchOptions = {}): Promise<BenchReport[]> {
  const seriesCount = options.series ?? 20_000;
  const runs = options.runs ?? 3;
  const scrapesPerRun = options.scrapesPerRun ?? 10;
  const connections = options.connections ?? 4;
  const scrapes = buildScrapeRuns({ series: seriesCount, runs, scrapesPerRun, seed: 7 });
  const { workload } = scrapes;

  const pg = await startPostgres();
  let gateway;
  try {
    gateway = await startGatewayProcess(
      `  - name: pg\n    type: postgres\n    url: ${pg.url}\n    read: true\n`,
    );
  } catch (err) {
    await pg.destroy();
    throw err;
  }
  const { pid } = gateway;
  const sender = createSender(gateway.port, '/api/v1/write', connections);
  try {
    // First scrape: every series is new (series rows inserted, ids cached).
    const firstRate = await timedRate(seriesCount, () => sender.sendAll(scrapes.firstScrape));
    const afterFirst = procStats(pid);

    const rates: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      const { bodies, samples } = scrapes.run(r);
      const before = procStats(pid);
      const t = performance.now();
      rates.push(await timedRate(samples, () => sender.sendAll(bodies)));
      cpu.push((procStats(pid).cpuSeconds - before.cpuSeconds) / ((performance.now() - t) / 1000));
    }
    const end = procStats(pid);
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    return [
      {
        name: `ingest HTTP → PostgreSQL 15, ${seriesCount} series, steady state (${connections} connections)`,
        unit: 'samples/s',
        median: median(rates),
        runs: rates,
        extra: {
          'gateway peak RSS MB': mb(end.peakRssBytes),
          'RSS MB after the first scrape': mb(afterFirst.rssBytes),
          'RSS MB at the end': mb(end.rssBytes),
          'gateway CPU (cores, median)': Number(median(cpu).toFixed(2)),
          'wire bytes/sample': Number((workload.wireBytes / workload.samples).toFixed(1)),
        },
      },
      {
        name: `ingest HTTP → PostgreSQL 15, first scrape of ${seriesCount} new series`,
        unit: 'samples/s',
        median: firstRate,
        runs: [firstRate],
      },
    ];
  } finally {
    sender.close();
    await gateway.stop();
    await pg.destroy();
  }
}
