// What every ingestion benchmark needs: promgate as its own process (so its CPU and memory are
// its own), remote-write bodies sent over N keep-alive connections with one request in flight
// on each (like N Prometheus shards), and the process's CPU time and RSS from /proc.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, stopPid, tempDir, waitFor } from '../test/harness/process.js';

export interface ProcStats {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly peakRssBytes: number;
}

/** CPU seconds (user + system), current and peak RSS of a process. */
export function procStats(pid: number): ProcStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { cpuSeconds: ticks / 100, rssBytes: kB('VmRSS'), peakRssBytes: kB('VmHWM') };
}

export interface GatewayProcess {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts `node dist/src/main.js` with a configuration whose `backends:` section is given as YAML. */
export async function startGatewayProcess(backendsYaml: string): Promise<GatewayProcess> {
  const dir = tempDir('bench-gw');
  const port = await freePort();
  const configFile = join(dir.path, 'promgate.yml');
  writeFileSync(configFile, `web:\n  listen_address: 127.0.0.1:${port}\nbackends:\n${backendsYaml}`);
  const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
  // The V8 flag `npm start` and the Dockerfile run the gateway with (see bench/README.md).
  const args = ['--max-semi-space-size=4', main, `--config.file=${configFile}`, '--log.level=warn'];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pid = child.pid!;
  const stop = async () => {
    await stopPid(pid, 'SIGTERM', 20_000);
    dir.remove();
  };
  try {
    await waitFor('promgate ready', async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid, port, stop };
}

function send(agent: Agent, port: number, path: string, body: Buffer): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'snappy',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'Content-Length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve([res.statusCode ?? 0, text]));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A sender of remote-write bodies to one endpoint over `connections` keep-alive connections.
 * `accept` says which answers besides 204 still count as sent (e.g. a 400 for samples a backend
 * can never store, after the rest was written).
 */
export function createSender(
  port: number,
  path: string,
  connections: number,
  accept: (status: number, text: string) => boolean = () => false,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  return {
    /** Sends every body, one request in flight per connection; every answer must be 204. */
    async sendAll(bodies: readonly Buffer[]): Promise<void> {
      let next = 0;
      const worker = async () => {
        while (next < bodies.length) {
          const [status, text] = await send(agent, port, path, bodies[next++]!);
          if (status !== 204 && !accept(status, text)) {
            throw new Error(
              `${path} answered ${status} ${text.slice(0, 300)}; the benchmark needs every write stored`,
            );
          }
        }
      };
      await Promise.all(Array.from({ length: connections }, worker));
    },
    close: () => agent.destroy(),
  };
}

/** Samples per second of one timed call. */
export async function timedRate(samples: number, f: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await f();
  return samples / ((performance.now() - t) / 1000);
}
