// A throwaway PostgreSQL 15 cluster for integration tests (backends.md §1): initdb in a temp
// dir, pg_ctl start on a free loopback port with the unix socket in that dir, stop by the
// postmaster's PID with SIGINT (fast shutdown). As root every server binary runs as user
// postgres (PostgreSQL refuses root). Always /usr/lib/postgresql/15/bin: /usr/local/bin/postgres
// on the lab machines is a different build.

import { execFile } from 'node:child_process';
import { chownSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBinary } from './packages.js';
import { freePort, isAlive, stopPid, tempDir, waitFor } from './process.js';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth on loopback). */
  readonly url: string;
  readonly port: number;
  /** Fast shutdown by PID; the data stays, so start() brings the same cluster back. */
  stop(): Promise<void>;
  /** Restarts after stop() on the same port. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

function asPostgres(binary: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', binary, ...args]]
    : [binary, [...args]];
}

async function exec(binary: string, args: readonly string[], timeoutMs = 60_000): Promise<void> {
  const [cmd, argv] = asPostgres(binary, args);
  try {
    await run(cmd, argv, { timeout: timeoutMs });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, {
      cause: err,
    });
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  ensureBinary(`${BIN}/initdb`, ['postgresql-15']);
  const dir = tempDir('pg');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir.path, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir.path, 'data');
  const port = await freePort();
  let pid: number | undefined;

  // If the test process dies without destroy(), do not leave a postmaster behind.
  const onExit = () => {
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGQUIT');
    dir.remove();
  };
  process.once('exit', onExit);

  const start = async () => {
    const opts = [
      `-k ${dir.path}`,
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    const log = join(dir.path, 'pg.log');
    try {
      await exec(`${BIN}/pg_ctl`, ['-D', data, '-l', log, '-w', '-t', '60', '-o', opts, 'start']);
    } catch (err) {
      let tail = '';
      try {
        tail = readFileSync(log, 'utf8').slice(-2000);
      } catch {
        /* no log yet */
      }
      throw new Error(`${(err as Error).message}\n--- pg.log ---\n${tail}`, { cause: err });
    }
    pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    await waitFor('PostgreSQL to accept connections', async () => {
      await exec(`${BIN}/pg_isready`, ['-q', '-h', '127.0.0.1', '-p', String(port)], 5_000);
      return true;
    });
  };
  const stop = async () => {
    if (pid === undefined) return;
    await stopPid(pid, 'SIGINT', 30_000);
    pid = undefined;
  };

  try {
    await exec(`${BIN}/initdb`, [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
    await start();
  } catch (err) {
    await stop();
    dir.remove();
    process.removeListener('exit', onExit);
    throw err;
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async destroy() {
      await stop();
      dir.remove();
      process.removeListener('exit', onExit);
    },
  };
}
