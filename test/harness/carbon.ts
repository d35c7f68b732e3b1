// A throwaway carbon-cache 1.1.7 for integration tests (backends.md §3): every port free and
// explicit (never Graphite's defaults: 2024 is taken on the lab machines), a generated
// carbon.conf in a temp dir, --nodaemon, a stale twistd pidfile removed before each start,
// ready when the line receiver accepts, stopped by PID. Whisper files are read back with
// Debian's /usr/bin/python3 (the pyenv python3 on PATH has no whisper module).

import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBinary } from './packages.js';
import { freePort, startDaemon, stopPid, tempDir, waitFor, type Daemon } from './process.js';

const run = promisify(execFile);
const CARBON = '/usr/bin/carbon-cache';
const PYTHON = '/usr/bin/python3';

export interface CarbonOptions {
  /** storage-schemas.conf retentions (default 1s:6h,1m:7d as in backends.md). */
  readonly retentions?: string;
  /** Start carbon's clock at this time (libfaketime), e.g. for tests that write fixed old timestamps. */
  readonly clock?: Date;
}

export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * Environment that starts a process's clock at `clock` and lets it run (libfaketime's "@"
 * form). Whisper archives are windows ending at "now", so a fixed 2023 timestamp is only
 * storable at one-second resolution if the server believes it is 2023.
 */
export function fakeClockEnv(clock: Date | undefined): Record<string, string> {
  if (clock === undefined) return {};
  ensureBinary(LIBFAKETIME, ['faketime']);
  const text = clock
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: `@${text}`, TZ: 'UTC' };
}

export interface CarbonServer {
  readonly linePort: number;
  readonly picklePort: number;
  readonly cacheQueryPort: number;
  /** STORAGE_DIR; whisper files are under `${storageDir}/whisper`. */
  readonly storageDir: string;
  /** Starts (or restarts) carbon; graphiteUrl is where it posts tag DB updates. */
  start(graphiteUrl?: string): Promise<void>;
  /** SIGTERM by PID (carbon writes its cache on the way down). */
  stop(): Promise<void>;
  /** SIGKILL by PID: what a crash looks like. */
  kill(): Promise<void>;
  /** Everything carbon printed since its last start. */
  output(): string;
  /** Points stored for a metric (plain path or tagged name) in [fromSec, untilSec], nulls left out. */
  fetch(metric: string, fromSec: number, untilSec: number): Promise<Array<[number, number]>>;
  destroy(): Promise<void>;
}

function carbonConf(root: string, ports: { line: number; pickle: number; query: number }, url: string) {
  return `[cache]
STORAGE_DIR = ${root}/storage/
LOCAL_DATA_DIR = ${root}/storage/whisper/
WHITELISTS_DIR = ${root}/storage/lists/
CONF_DIR = ${root}/conf/
LOG_DIR = ${root}/log/
PID_DIR = ${root}/
DATABASE = whisper
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${ports.line}
ENABLE_UDP_LISTENER = True
UDP_RECEIVER_INTERFACE = 127.0.0.1
UDP_RECEIVER_PORT = ${ports.line}
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${ports.pickle}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${ports.query}
LOG_CREATES = True
WHISPER_AUTOFLUSH = True
WHISPER_FALLOCATE_CREATE = False
WHISPER_SPARSE_CREATE = True
ENABLE_TAGS = True
GRAPHITE_URL = ${url}
CARBON_METRIC_INTERVAL = 0
`;
}

// Resolves a metric to its whisper file with carbon's own TaggedSeries code, then fetches.
const FETCH_PY = `
import json, os, sys, whisper
from carbon.util import TaggedSeries
root, metric, frm, until = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if ';' in metric:
    metric = TaggedSeries.parse(metric).path
rel = TaggedSeries.encode(metric, os.sep, hash_only=True)
path = os.path.join(root, rel + '.wsp')
if not os.path.exists(path):
    print('[]'); sys.exit(0)
got = whisper.fetch(path, frm - 1, until)
if got is None:
    print('[]'); sys.exit(0)
(start, end, step), vals = got
print(json.dumps([[start + i * step, repr(v)] for i, v in enumerate(vals) if v is not None]))
`;

export async function prepareCarbon(options: CarbonOptions = {}): Promise<CarbonServer> {
  ensureBinary(CARBON, ['graphite-carbon', 'python3-whisper']);
  const dir = tempDir('carbon');
  const root = dir.path;
  for (const d of ['conf', 'log', 'storage/whisper', 'storage/lists'])
    mkdirSync(join(root, d), { recursive: true });
  const ports = { line: await freePort(), pickle: await freePort(), query: await freePort() };
  writeFileSync(
    join(root, 'conf/storage-schemas.conf'),
    `[default]\npattern = .*\nretentions = ${options.retentions ?? '1s:6h,1m:7d'}\n`,
  );
  writeFileSync(
    join(root, 'conf/storage-aggregation.conf'),
    '[default]\npattern = .*\nxFilesFactor = 0\naggregationMethod = average\n',
  );
  let daemon: Daemon | undefined;
  const onExit = () => {
    if (daemon) process.kill(daemon.pid, 'SIGKILL');
    dir.remove();
  };
  process.once('exit', onExit);

  const start = async (graphiteUrl?: string) => {
    // A dead port when there is no graphite-web: carbon logs the failed tag update and goes on.
    const url = graphiteUrl ?? `http://127.0.0.1:${await freePort()}`;
    writeFileSync(join(root, 'conf/carbon.conf'), carbonConf(root, ports, url));
    const pidfile = join(root, 'carbon-cache.twistd-pidfile');
    rmSync(pidfile, { force: true });
    daemon = startDaemon(
      CARBON,
      [
        `--config=${root}/conf/carbon.conf`,
        `--pidfile=${pidfile}`,
        `--logdir=${root}/log`,
        '--nodaemon',
        'start',
      ],
      { env: { ...process.env, PYTHONWARNINGS: 'ignore', ...fakeClockEnv(options.clock) } },
    );
    const d = daemon;
    await waitFor(
      `carbon-cache on 127.0.0.1:${ports.line}`,
      async () => {
        if (d.child.exitCode !== null) throw new Error(`carbon exited:\n${d.output().slice(-2000)}`);
        if (!d.output().includes(`starting on ${ports.pickle}`)) return false;
        return new Promise<boolean>((resolve) => {
          const s = connect({ host: '127.0.0.1', port: ports.line }, () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        });
      },
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- carbon output ---\n${d.output().slice(-3000)}`);
    });
  };

  return {
    linePort: ports.line,
    picklePort: ports.pickle,
    cacheQueryPort: ports.query,
    storageDir: join(root, 'storage'),
    start,
    async stop() {
      if (daemon) await stopPid(daemon.pid, 'SIGTERM', 20_000);
    },
    async kill() {
      if (daemon) await stopPid(daemon.pid, 'SIGKILL', 5_000);
    },
    output: () => daemon?.output() ?? '',
    async fetch(metric, fromSec, untilSec) {
      const { stdout } = await run(
        PYTHON,
        ['-c', FETCH_PY, join(root, 'storage/whisper'), metric, String(fromSec), String(untilSec)],
        { env: { ...process.env, ...fakeClockEnv(options.clock) } },
      );
      const rows = JSON.parse(stdout) as Array<[number, string]>;
      return rows.map(([t, v]) => [t, v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v)]);
    },
    async destroy() {
      if (daemon) await stopPid(daemon.pid, 'SIGTERM', 20_000);
      daemon = undefined;
      dir.remove();
      process.removeListener('exit', onExit);
    },
  };
}

/** prepareCarbon + start, for tests without graphite-web. */
export async function startCarbon(options: CarbonOptions = {}): Promise<CarbonServer> {
  const carbon = await prepareCarbon(options);
  try {
    await carbon.start();
  } catch (err) {
    await carbon.destroy();
    throw err;
  }
  return carbon;
}
