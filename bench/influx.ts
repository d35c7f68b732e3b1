// Ingestion into InfluxDB 1.6.7 (issue 3 benchmark): the same remote-write bodies sent, over
// the same number of keep-alive connections, (a) to promgate running as its own process with an
// `influxdb` backend and (b) straight to InfluxDB's own /api/v1/prom/write, into two databases
// of one server. Runs alternate between the two so machine noise hits both alike. Reports
// samples/s for each and the ratio promgate / native.
//
// Not quite like for like, in the native endpoint's favour: it silently drops the workload's NaN
// and stale samples (about 1 %), which promgate stores (value_special).

import { startInfluxDB } from '../test/harness/influxdb.js';
import { createSender, startGatewayProcess, timedRate } from './http-load.js';
import { median, type BenchReport } from './report.js';
import { buildScrapeRuns } from './workload.js';

export interface InfluxBenchOptions {
  readonly series?: number;
  readonly runs?: number;
  readonly scrapesPerRun?: number;
  readonly connections?: number;
}

export async function runInfluxBench(options: InfluxBenchOptions = {}): Promise<BenchReport[]> {
  const seriesCount = options.series ?? 20_000;
  const runs = options.runs ?? 5;
  const scrapesPerRun = options.scrapesPerRun ?? 5;
  const connections = options.connections ?? 4;
  const scrapes = buildScrapeRuns({ series: seriesCount, runs, scrapesPerRun, seed: 7 });

  const influx = await startInfluxDB();
  let gateway;
  try {
    await influx.createDatabase('bench_native');
    gateway = await startGatewayProcess(
      `  - name: influx\n    type: influxdb\n    url: ${influx.url}\n    database: bench_gw\n    create_database: true\n`,
    );
  } catch (err) {
    await influx.destroy();
    throw err;
  }
  const gwSender = createSender(gateway.port, '/api/v1/write', connections);
  const nativeSender = createSender(influx.port, '/api/v1/prom/write?db=bench_native', connections);
  const gw = (bodies: readonly Buffer[]) => gwSender.sendAll(bodies);
  const native = (bodies: readonly Buffer[]) => nativeSender.sendAll(bodies);
  try {
    const first = scrapes.firstScrape;
    const timed = (f: () => Promise<void>, samples: number) => timedRate(samples, f);
    // Native first here: the first writer to a fresh server also pays for creating the shard.
    const firstNative = await timed(() => native(first), seriesCount);
    const firstGw = await timed(() => gw(first), seriesCount);

    const gwRates: number[] = [];
    const nativeRates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const { bodies, samples } = scrapes.run(r);
      // Alternate who goes first, so neither always meets a server busy compacting the other's data.
      if (r % 2 === 0) {
        gwRates.push(await timed(() => gw(bodies), samples));
        nativeRates.push(await timed(() => native(bodies), samples));
      } else {
        nativeRates.push(await timed(() => native(bodies), samples));
        gwRates.push(await timed(() => gw(bodies), samples));
      }
    }
    const ratio = median(gwRates) / median(nativeRates);
    const what = `${seriesCount} series, ${connections} connections`;
    return [
      {
        name: `ingest → InfluxDB 1.6.7 through promgate (api v1), ${what}, steady state`,
        unit: 'samples/s',
        median: median(gwRates),
        runs: gwRates,
        extra: { 'ratio promgate / native (median)': Number(ratio.toFixed(2)) },
      },
      {
        name: `ingest → InfluxDB 1.6.7 /api/v1/prom/write (native), ${what}, steady state`,
        unit: 'samples/s',
        median: median(nativeRates),
        runs: nativeRates,
      },
      {
        name: `ingest → InfluxDB 1.6.7, first scrape of ${seriesCount} new series`,
        unit: 'samples/s',
        median: firstGw,
        runs: [firstGw],
        extra: {
          'native samples/s': Math.round(firstNative),
          'ratio promgate / native': Number((firstGw / firstNative).toFixed(2)),
        },
      },
    ];
  } finally {
    gwSender.close();
    nativeSender.close();
    await gateway.stop();
    await influx.destroy();
  }
}
