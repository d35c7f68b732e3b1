// Ingestion into a real carbon-cache 1.1.7 through promgate: remote-write bodies over HTTP (4
// connections, one request in flight each) into promgate running as its own process, with a
// graphite backend in path mode and in tags mode. Reports samples/s per run, the gateway's CPU
// and RSS. The workload holds NaN and stale markers, which Graphite cannot store: those requests
// are answered 400 after the rest is written, and count as sent.

import { prepareCarbon } from '../test/harness/carbon.js';
import { createSender, procStats, startGatewayProcess, timedRate } from './http-load.js';
import { median, type BenchReport } from './report.js';
import { buildScrapeRuns } from './workload.js';

// 400 here only means "some NaN/stale samples were not stored"; anything else is a failure.
const nanRejected = (status: number, text: string) => status === 400 && /unsupported_(nan|stale)/.test(text);

export async function runGraphiteBench(
  options: { series?: number; runs?: number; scrapesPerRun?: number } = {},
): Promise<BenchReport[]> {
  const seriesCount = options.series ?? 5_000;
  const runs = options.runs ?? 3;
  const scrapesPerRun = options.scrapesPerRun ?? 10;
  const connections = 4;
  const scrapes = buildScrapeRuns({ series: seriesCount, runs, scrapesPerRun, seed: 11 });
  const reports: BenchReport[] = [];
  for (const mode of ['path', 'tags'] as const) {
    const carbon = await prepareCarbon();
    await carbon.start();
    const gateway = await startGatewayProcess(
      `  - name: graphite\n    type: graphite\n    address: 127.0.0.1:${carbon.linePort}\n    mode: ${mode}\n    prefix: bench.\n`,
    ).catch(async (err: unknown) => {
      await carbon.destroy();
      throw err;
    });
    const sender = createSender(gateway.port, '/api/v1/write', connections, nanRejected);
    try {
      await sender.sendAll(scrapes.firstScrape);
      const rates: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < runs; r++) {
        const { bodies, samples } = scrapes.run(r);
        const before = procStats(gateway.pid);
        const t = performance.now();
        rates.push(await timedRate(samples, () => sender.sendAll(bodies)));
        cpu.push((procStats(gateway.pid).cpuSeconds - before.cpuSeconds) / ((performance.now() - t) / 1000));
      }
      const end = procStats(gateway.pid);
      reports.push({
        name: `ingest HTTP → carbon-cache 1.1.7 (plaintext TCP), mode ${mode}, ${seriesCount} series`,
        unit: 'samples/s',
        median: median(rates),
        runs: rates,
        extra: {
          'gateway peak RSS MB': Math.round(end.peakRssBytes / 1024 / 1024),
          'gateway CPU (cores, median)': Number(median(cpu).toFixed(2)),
        },
      });
    } finally {
      sender.close();
      await gateway.stop();
      await carbon.destroy();
    }
  }
  return reports;
}
