// A throwaway graphite-web 1.1.8 for integration tests (backends.md §3): Django's runserver on a
// free loopback port, a settings module in a temp dir (picked up through
// GRAPHITE_SETTINGS_MODULE, never /etc/graphite), sqlite tag DB created by `migrate`, reading
// carbon's whisper dir and its cache-query port. Start it before carbon receives tagged data:
// carbon tells the tag DB about a series only when it creates it.

import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fakeClockEnv, prepareCarbon, type CarbonOptions, type CarbonServer } from './carbon.js';
import { ensureBinary } from './packages.js';
import { freePort, startDaemon, stopPid, tempDir, waitFor, type Daemon } from './process.js';

const run = promisify(execFile);
const DJANGO_ADMIN = '/usr/bin/django-admin';

export interface GraphiteWebOptions {
  /** carbon's STORAGE_DIR (whisper files under `whisper/`). */
  readonly storageDir: string;
  /** carbon's CACHE_QUERY_PORT, for points not yet written to disk. */
  readonly carbonlinkPort: number;
  /** Start graphite-web's clock at this time (must match carbon's, see carbon.ts fakeClockEnv). */
  readonly clock?: Date;
}

export interface GraphiteWeb {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** `${url}/render` */
  readonly renderUrl: string;
  output(): string;
  destroy(): Promise<void>;
}

export async function startGraphiteWeb(options: GraphiteWebOptions): Promise<GraphiteWeb> {
  ensureBinary(DJANGO_ADMIN, ['graphite-web']);
  const dir = tempDir('graphite-web');
  const g = dir.path;
  for (const d of ['conf', 'log']) mkdirSync(join(g, d), { recursive: true });
  const whisper = join(options.storageDir, 'whisper');
  writeFileSync(
    join(g, 'promgate_graphite_settings.py'),
    [
      "SECRET_KEY = 'promgate-test-not-secret'",
      "ALLOWED_HOSTS = ['127.0.0.1', 'localhost']",
      "TIME_ZONE = 'UTC'",
      "GRAPHITE_ROOT = '/usr/share/graphite-web'",
      `CONF_DIR = '${g}/conf'`,
      `LOG_DIR = '${g}/log'`,
      `INDEX_FILE = '${g}/search_index'`,
      `STORAGE_DIR = '${options.storageDir}'`,
      `WHISPER_DIR = '${whisper}'`,
      `STANDARD_DIRS = ['${whisper}']`,
      `CARBONLINK_HOSTS = ['127.0.0.1:${options.carbonlinkPort}:a']`,
      "TAGDB = 'graphite.tags.localdatabase.LocalDatabaseTagDB'",
      'TAGDB_CACHE_DURATION = 0',
      `DATABASES = {'default': {'NAME': '${g}/graphite.db', 'ENGINE': 'django.db.backends.sqlite3'}}`,
      '',
    ].join('\n'),
  );
  const env = {
    ...process.env,
    PYTHONPATH: g,
    PYTHONWARNINGS: 'ignore',
    GRAPHITE_SETTINGS_MODULE: 'promgate_graphite_settings',
    DJANGO_SETTINGS_MODULE: 'graphite.settings',
  };
  let daemon: Daemon | undefined;
  const onExit = () => {
    if (daemon) process.kill(daemon.pid, 'SIGKILL');
    dir.remove();
  };
  process.once('exit', onExit);
  try {
    await run(DJANGO_ADMIN, ['migrate', '--noinput'], { env, timeout: 120_000 });
    const port = await freePort();
    daemon = startDaemon(DJANGO_ADMIN, ['runserver', `127.0.0.1:${port}`, '--noreload'], {
      env: { ...env, ...fakeClockEnv(options.clock) },
    });
    const d = daemon;
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      `graphite-web on ${url}`,
      async () => {
        if (d.child.exitCode !== null) throw new Error(`graphite-web exited:\n${d.output().slice(-2000)}`);
        const res = await fetch(`${url}/version`);
        await res.arrayBuffer();
        return res.ok;
      },
      30_000,
      100,
    );
    return {
      url,
      renderUrl: `${url}/render`,
      output: () => d.output(),
      async destroy() {
        await stopPid(d.pid, 'SIGTERM', 10_000);
        daemon = undefined;
        dir.remove();
        process.removeListener('exit', onExit);
      },
    };
  } catch (err) {
    if (daemon) await stopPid(daemon.pid, 'SIGKILL', 5_000);
    dir.remove();
    process.removeListener('exit', onExit);
    throw err;
  }
}

/**
 * carbon-cache with a graphite-web reading its whisper files and cache, in the order the tag DB
 * needs (graphite-web up before carbon creates a series), on one clock. Stop both with destroy().
 */
export async function startCarbonWithWeb(
  options: CarbonOptions = {},
): Promise<{ carbon: CarbonServer; web: GraphiteWeb }> {
  const carbon = await prepareCarbon(options);
  let web: GraphiteWeb | undefined;
  try {
    web = await startGraphiteWeb({
      storageDir: carbon.storageDir,
      carbonlinkPort: carbon.cacheQueryPort,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    await carbon.start(web.url);
    return { carbon, web };
  } catch (err) {
    await web?.destroy();
    await carbon.destroy();
    throw err;
  }
}
