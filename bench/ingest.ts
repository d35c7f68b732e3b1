// End-to-end ingestion: remote-write bodies over HTTP (4 keep-alive connections, one request in
// flight on each, like 4 Prometheus shards) into promgate running as its own process, storing
// into a real PostgreSQL 15 started by the test harness. Reports samples/s per run, the
// gateway's peak RSS (VmHWM) and its CPU use.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../test/harness/postgres.js';
import { freePort, stopPid, tempDir, waitFor } from '../test/harness/process.js';
import { median, type BenchReport } from './report.js';
import { buildWorkload } from './workload.js';

export interface IngestBenchOptions {
  readonly series?: number;
  /** Measured runs after the first scrape (which creates the series and is reported apart). */
  readonly runs?: number;
  /** Scrapes of every series per run. */
  readonly scrapesPerRun?: number;
  readonly connections?: number;
}

interface ProcStats {
  cpuSeconds: number;
  rssBytes: number;
  peakRssBytes: number;
}

function procStats(pid: number): ProcStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { cpuSeconds: ticks / 100, rssBytes: kB('VmRSS'), peakRssBytes: kB('VmHWM') };
}

function send(agent: Agent, port: number, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/write',
        headers: {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'snappy',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'Content-Length': body.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends bodies over `connections` connections, one request in flight on each; every one must get 204. */
async function sendAll(
  agent: Agent,
  port: number,
  bodies: readonly Buffer[],
  connections: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const status = await send(agent, port, body);
      if (status !== 204) throw new Error(`write answered ${status}; the benchmark needs every write stored`);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
}

export async function runIngestBench(options: IngestBenchOptions = {}): Promise<BenchReport[]> {
  const seriesCount = options.series ?? 20_000;
  const runs = options.runs ?? 3;
  const scrapesPerRun = options.scrapesPerRun ?? 10;
  const connections = options.connections ?? 4;
  const samplesPerRequest = 2000;
  const requestsPerScrape = Math.ceil(seriesCount / samplesPerRequest);
  const workload = buildWorkload({
    series: seriesCount,
    scrapes: 1 + runs * scrapesPerRun,
    samplesPerRequest,
    seed: 7,
  });

  const pg = await startPostgres();
  const dir = tempDir('bench');
  const port = await freePort();
  const configFile = join(dir.path, 'promgate.yml');
  writeFileSync(
    configFile,
    `web:\n  listen_address: 127.0.0.1:${port}\nbackends:\n  - name: pg\n    type: postgres\n    url: ${pg.url}\n    read: true\n`,
  );
  const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, `--config.file=${configFile}`, '--log.level=warn'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pid = child.pid!;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  try {
    await waitFor('promgate ready', async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok, 30_000);
    const reports: BenchReport[] = [];

    // First scrape: every series is new (series rows inserted, ids cached).
    const first = workload.bodies.slice(0, requestsPerScrape);
    let t = performance.now();
    await sendAll(agent, port, first, connections);
    const firstRate = seriesCount / ((performance.now() - t) / 1000);
    const afterFirst = procStats(pid);

    const rates: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      const from = requestsPerScrape * (1 + r * scrapesPerRun);
      const bodies = workload.bodies.slice(from, from + requestsPerScrape * scrapesPerRun);
      const samples = Math.min(bodies.length * samplesPerRequest, seriesCount * scrapesPerRun);
      const before = procStats(pid);
      t = performance.now();
      await sendAll(agent, port, bodies, connections);
      const seconds = (performance.now() - t) / 1000;
      rates.push(samples / seconds);
      cpu.push((procStats(pid).cpuSeconds - before.cpuSeconds) / seconds);
    }
    const end = procStats(pid);
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    reports.push({
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
    });
    reports.push({
      name: `ingest HTTP → PostgreSQL 15, first scrape of ${seriesCount} new series`,
      unit: 'samples/s',
      median: firstRate,
      runs: [firstRate],
    });
    return reports;
  } finally {
    agent.destroy();
    await stopPid(pid, 'SIGTERM', 20_000);
    await pg.destroy();
    dir.remove();
  }
}
