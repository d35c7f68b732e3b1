// Starts a gateway for a test: on the embedded PGlite default in a temp dir, or with given
// backends (e.g. a mock kind), on a free loopback port, with a fresh metrics registry.

import { tempDir } from '../harness/process.js';
import { parseConfig, type BackendConfig, type GatewayConfig } from '../../src/config/config.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { silentLogger } from '../../src/log.js';
import type { AdapterKind } from '../../src/adapter.js';

export interface TestGatewayOptions {
  /** Raw `web:` section (listen_address defaults to 127.0.0.1:0). */
  web?: Record<string, unknown>;
  /** Raw backends section; default: one PGlite backend in pgliteDir. */
  backends?: Record<string, unknown>[];
  /** Replace the kind of every backend (to use a mock adapter). */
  kind?: AdapterKind;
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<RunningGateway> {
  const dir = options.backends ? undefined : tempDir('pglite');
  const raw = {
    web: { listen_address: '127.0.0.1:0', ...options.web },
    backends: options.backends ?? [
      { name: 'pg', type: 'postgres', url: `pglite://${dir!.path}`, read: true },
    ],
  };
  let config: GatewayConfig = parseConfig(raw);
  if (options.kind) {
    const kind = options.kind;
    config = {
      ...config,
      backends: config.backends.map((b): BackendConfig => ({ ...b, kind, options: {} })),
    };
  }
  const gw = await startGateway(config, { logger: silentLogger, defaultMetrics: false });
  await Promise.all(gw.backends.map((b) => b.ready()));
  if (!dir) return gw;
  return {
    ...gw,
    close: async () => {
      await gw.close();
      dir.remove();
    },
  };
}

/** Reads one metric value from the gateway's registry (0 when absent). */
export async function metricValue(
  gw: RunningGateway,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = gw.registry.getSingleMetric(name);
  if (!metric) return 0;
  const data = await metric.get();
  let total = 0;
  for (const v of data.values) {
    const l = v.labels as Record<string, string | number>;
    if (Object.entries(labels).every(([k, want]) => String(l[k]) === want)) total += v.value;
  }
  return total;
}

/** POSTs a body with remote-write headers (overridable). */
export async function post(
  url: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      ...headers,
    },
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
