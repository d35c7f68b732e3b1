// Wires a validated configuration into a running gateway, and shuts it down in order:
// refuse new requests → drain in-flight ones → close the adapters.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { createWriteV1Decoder } from './codec/write-v1.js';
import { createWriteV2Decoder } from './codec/write-v2.js';
import type { GatewayConfig } from './config/config.js';
import { ConfigError } from './errors.js';
import { createApp } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { createBackend, type Backend } from './pipeline/backend.js';

export interface RunningGateway {
  /** Base URL, e.g. http://127.0.0.1:9201 (loopback when listening on every interface). */
  readonly url: string;
  readonly port: number;
  readonly backends: readonly Backend[];
  readonly registry: Registry;
  close(): Promise<void>;
}

export interface GatewayOptions {
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** Collect Node's default process metrics (off in tests that start many gateways). */
  readonly defaultMetrics?: boolean;
}

export function splitListenAddress(address: string): { host: string | undefined; port: number } {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port: Number(address.slice(i + 1)) };
}

export async function startGateway(
  config: GatewayConfig,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger({ level: config.log.level, format: config.log.format });
  const metrics = createMetrics(options.registry, { defaultMetrics: options.defaultMetrics ?? true });

  const backends = config.backends.map((b, i) => {
    const adapter = b.kind.create(b.options, { name: b.name, logger: logger.child({ backend: b.name }) });
    if (b.read && !adapter.read) {
      throw new ConfigError(
        `backends[${i}].read: the ${b.type} adapter cannot serve remote_read with this configuration`,
      );
    }
    return createBackend(b, adapter, metrics, logger);
  });
  if (!backends.some((b) => b.readable)) {
    logger.warn('no backend has read: true; remote_read requests will return no series');
  }
  for (const b of backends) b.start();

  const decoderOptions = {
    maxCachedSeries: config.write.series_cache_size,
    maxLabelsPerSeries: config.write.max_labels_per_series,
    maxLabelNameBytes: config.write.max_label_name_length,
    maxLabelValueBytes: config.write.max_label_value_length,
    maxHistograms: config.write.max_histograms_per_request,
    maxHistogramBuckets: config.write.max_histogram_buckets_per_request,
    maxExemplars: config.write.max_exemplars_per_request,
  };
  const decoder = createWriteV1Decoder(decoderOptions);
  const decoderV2 = createWriteV2Decoder(decoderOptions);
  const app = createApp({ web: config.web, decoder, decoderV2, backends, metrics, logger });
  const server: Server = createServer(app);
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 80_000;
  server.requestTimeout = 0;

  const { host, port } = splitListenAddress(config.web.listen_address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost =
    host === undefined || host === '0.0.0.0' || host === '::'
      ? '127.0.0.1'
      : host.includes(':')
        ? `[${host}]`
        : host;
  logger.info('listening', {
    address: config.web.listen_address,
    port: bound,
    backends: backends.map((b) => b.name).join(','),
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timeout = new Promise<void>((resolve) =>
        setTimeout(resolve, config.web.shutdown_timeout).unref(),
      );
      await Promise.race([drained, timeout]);
      server.closeAllConnections();
      await Promise.all(backends.map((b) => b.close()));
      logger.info('stopped');
    })();
    return closing;
  };

  return { url: `http://${urlHost}:${bound}`, port: bound, backends, registry: metrics.registry, close };
}
