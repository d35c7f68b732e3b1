// A throwaway InfluxDB 1.6.7 (Debian `influxd`) for integration tests (backends.md §2): a
// generated config with every port explicit and free (the RPC/backup bind moved off 8088 so
// instances run side by side), `-config` always passed (without it influxd reads
// /etc/influxdb/influxdb.conf), a temp dir, readiness on /ping, stop by PID.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBinary } from './packages.js';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from './process.js';

const INFLUXD = '/usr/bin/influxd';

export interface InfluxOptions {
  /**
   * Turn on HTTP authentication with one admin user (created right after start, as 1.x allows
   * while no user exists). The harness's own query()/createDatabase() then log in as it.
   */
  readonly admin?: { readonly username: string; readonly password: string };
}

export interface InfluxServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Runs one InfluxQL statement (POST /query) and returns the parsed JSON answer. */
  query(q: string, db?: string): Promise<InfluxQueryAnswer>;
  /** CREATE DATABASE (idempotent on the server). */
  createDatabase(db: string): Promise<void>;
  /** SIGTERM by PID; the data stays, so start() brings the same server back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

export interface InfluxQueryAnswer {
  results: {
    statement_id: number;
    error?: string;
    series?: {
      name: string;
      tags?: Record<string, string>;
      columns: string[];
      values: unknown[][];
    }[];
  }[];
  error?: string;
}

function config(dir: string, httpPort: number, rpcPort: number, auth: boolean): string {
  const disabled = ['graphite', 'collectd', 'opentsdb', 'udp']
    .map((s) => `[[${s}]]\n  enabled = false\n`)
    .join('');
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
  retention-autocreate = true
  logging-enabled = false
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  index-version = "inmem"
  wal-fsync-delay = "0s"
  query-log-enabled = false
[retention]
  enabled = false
[shard-precreation]
  enabled = false
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${auth}
  log-enabled = false
  pprof-enabled = false
  max-body-size = 0
[ifql]
  enabled = false
${disabled}[continuous_queries]
  enabled = false
[logging]
  level = "warn"
  suppress-logo = true
`;
}

export async function startInfluxDB(options: InfluxOptions = {}): Promise<InfluxServer> {
  ensureBinary(INFLUXD, ['influxdb', 'influxdb-client']);
  const dir = tempDir('influxdb');
  const port = await freePort();
  const rpcPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const confPath = join(dir.path, 'influxdb.conf');
  writeFileSync(confPath, config(dir.path, port, rpcPort, options.admin !== undefined));
  let daemon: Daemon | undefined;

  // If the test process dies without destroy(), do not leave influxd behind.
  const onExit = () => {
    if (daemon) process.kill(daemon.pid, 'SIGKILL');
    dir.remove();
  };
  process.once('exit', onExit);

  const start = async () => {
    const d = startDaemon(INFLUXD, ['run', '-config', confPath, '-pidfile', join(dir.path, 'influxd.pid')]);
    daemon = d;
    try {
      await waitFor('InfluxDB /ping', async () => {
        if (d.child.exitCode !== null) throw new Error(`influxd exited: ${d.output().slice(-2000)}`);
        const res = await fetch(`${url}/ping`);
        return res.status === 204;
      });
    } catch (err) {
      await d.stop(5_000);
      daemon = undefined;
      throw new Error(`${(err as Error).message}\n--- influxd ---\n${d.output().slice(-2000)}`, {
        cause: err,
      });
    }
  };
  const stop = async () => {
    const d = daemon;
    daemon = undefined;
    await d?.stop(20_000);
  };
  const query = async (q: string, db?: string): Promise<InfluxQueryAnswer> => {
    const body = new URLSearchParams({ q, epoch: 'ms' });
    if (db !== undefined) body.set('db', db);
    const headers: Record<string, string> = {};
    if (options.admin) {
      const { username, password } = options.admin;
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const res = await fetch(`${url}/query`, { method: 'POST', body, headers });
    return (await res.json()) as InfluxQueryAnswer;
  };

  try {
    await start();
    if (options.admin) {
      const { username, password } = options.admin;
      const q = `CREATE USER "${username}" WITH PASSWORD '${password.replace(/['\\]/g, '\\$&')}' WITH ALL PRIVILEGES`;
      const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
      if (res.status !== 200) throw new Error(`${q}: ${res.status} ${await res.text()}`);
    }
  } catch (err) {
    await stop();
    dir.remove();
    process.removeListener('exit', onExit);
    throw err;
  }
  return {
    url,
    port,
    query,
    async createDatabase(db) {
      const answer = await query(`CREATE DATABASE "${db.replace(/["\\]/g, '\\$&')}"`);
      const error = answer.error ?? answer.results[0]?.error;
      if (error !== undefined) throw new Error(`CREATE DATABASE ${db}: ${error}`);
    },
    stop,
    start,
    async destroy() {
      await stop();
      dir.remove();
      process.removeListener('exit', onExit);
    },
  };
}
