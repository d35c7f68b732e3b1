// The configuration file (design.md §5): declared once here, validated at start-up into one
// typed object. The keys web.listen_address and backends[].name/type/url/read are a public
// contract; the README's configuration reference lists every key declared below.

import type { AdapterKind } from '../adapter.js';
import { ConfigError } from '../errors.js';
import type { LogFormat, LogLevel } from '../log.js';
import { findAdapterKind, adapterTypes } from '../registry.js';
import {
  booleanOption,
  durationOption,
  enumOption,
  fail,
  integerOption,
  parseOptions,
  sizeOption,
  stringOption,
  type Option,
  type ParsedOptions,
} from './options.js';

/** A size that must be above zero (a bare 0 is refused by sizeOption already, "0KiB" is not). */
function positiveSizeOption(o: { doc: string; default: number }): Option<number> {
  const base = sizeOption(o);
  return {
    ...base,
    parse(raw, path) {
      const bytes = base.parse(raw, path);
      if (bytes <= 0) fail(path, 'a size above 0 bytes', raw);
      return bytes;
    },
  };
}

export const webOptions = {
  listen_address: stringOption({
    doc: 'Address to listen on, host:port (":9201" means every interface).',
    default: ':9201',
    pattern: /^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/,
    patternText: 'host:port, e.g. 127.0.0.1:9201 or :9201',
  }),
  telemetry_path: stringOption({
    doc: 'Path of the Prometheus metrics endpoint.',
    default: '/metrics',
    pattern: /^\/\S*$/,
    patternText: 'a path starting with /',
  }),
  max_body_size: sizeOption({
    doc: 'Largest compressed request body accepted (413 above).',
    default: 16 * 1024 ** 2,
  }),
  max_decoded_size: sizeOption({
    doc: 'Largest decompressed request accepted, checked against the snappy preamble before allocating (413 above).',
    default: 64 * 1024 ** 2,
  }),
  write_timeout: durationOption({
    doc: 'Deadline for one remote-write request, retries included; keep it below Prometheus remote_timeout (30s).',
    default: 10_000,
    min: 100,
  }),
  read_timeout: durationOption({
    doc: 'Deadline for one remote-read request; keep it below Prometheus remote_read remote_timeout (1m).',
    default: 30_000,
    min: 100,
  }),
  read_sample_limit: integerOption({
    doc: 'Most samples plus native histograms one SAMPLES remote-read answer may hold (400 above); streamed answers are bounded per frame instead (read_max_bytes_in_frame).',
    default: 5_000_000,
    min: 1,
    unit: 'samples',
  }),
  read_max_bytes_in_frame: positiveSizeOption({
    doc: "Label and chunk bytes per STREAMED_XOR_CHUNKS frame before a series continues in the next frame (only a single chunk plus labels over the cap makes a bigger frame); like Prometheus' --storage.remote.read-max-bytes-in-frame. Keep it well below the client's chunked_read_limit (50MB).",
    default: 1024 * 1024,
  }),
  shutdown_timeout: durationOption({
    doc: 'How long shutdown waits for in-flight requests before closing the backends.',
    default: 15_000,
  }),
};

export const writeOptions = {
  series_cache_size: integerOption({
    doc: 'Series whose decoded label sets are cached between requests (about 2 KB each); keep it at least twice the series sent per scrape interval.',
    default: 200_000,
    min: 1,
    unit: 'series',
  }),
  max_labels_per_series: integerOption({
    doc: 'Most labels one series may carry (400 above).',
    default: 128,
    min: 1,
  }),
  max_label_name_length: integerOption({
    doc: 'Longest label name accepted, in UTF-8 bytes (400 above).',
    default: 1024,
    min: 1,
    unit: 'bytes',
  }),
  max_label_value_length: integerOption({
    doc: 'Longest label value accepted, in UTF-8 bytes (400 above).',
    default: 65_536,
    min: 1,
    unit: 'bytes',
  }),
  max_histograms_per_request: integerOption({
    doc: 'Most native histogram samples one remote-write request may carry (413 above); bounds the memory a request takes, since a histogram of a few bytes on the wire becomes an object of hundreds.',
    default: 100_000,
    min: 1,
  }),
  max_histogram_buckets_per_request: integerOption({
    doc: 'Most native histogram buckets (both sides, all histograms) in one remote-write request (413 above).',
    default: 2_000_000,
    min: 1,
  }),
  max_exemplars_per_request: integerOption({
    doc: 'Most exemplars one remote-write request may carry (413 above).',
    default: 100_000,
    min: 1,
  }),
};

export const logOptions = {
  level: enumOption<LogLevel>({
    doc: 'Lowest log level printed.',
    default: 'info',
    values: ['debug', 'info', 'warn', 'error'],
  }),
  format: enumOption<LogFormat>({ doc: 'Log line format.', default: 'logfmt', values: ['logfmt', 'json'] }),
};

/** Keys every backend has, whatever its type. */
export const backendCommonOptions = {
  name: stringOption({
    doc: 'Unique name of the backend, used in metrics and logs.',
    required: true,
    pattern: /^[a-zA-Z_][a-zA-Z0-9_-]*$/,
    patternText: 'a name of letters, digits, _ and - (starting with a letter or _)',
  }),
  type: stringOption({ doc: 'Adapter type.', required: true }),
  read: booleanOption({ doc: 'Serve remote_read from this backend.', default: false }),
  max_inflight_samples: integerOption({
    doc: 'In-flight budget: samples accepted for this backend and not yet stored. Writes are shed with 503 above 80% until below 70%.',
    default: 1_000_000,
    min: 1,
    unit: 'samples',
  }),
  max_concurrency: integerOption({
    doc: 'Concurrent write calls to this backend.',
    default: 4,
    min: 1,
  }),
};

export type WebConfig = ParsedOptions<typeof webOptions>;
export type WriteConfig = ParsedOptions<typeof writeOptions>;
export type LogConfig = ParsedOptions<typeof logOptions>;

export interface BackendConfig extends ParsedOptions<typeof backendCommonOptions> {
  readonly kind: AdapterKind;
  /** The adapter's own options, validated by its schema. */
  readonly options: Record<string, unknown>;
}

export interface GatewayConfig {
  readonly web: WebConfig;
  readonly write: WriteConfig;
  readonly log: LogConfig;
  readonly backends: readonly BackendConfig[];
}

const topLevelKeys = ['web', 'write', 'log', 'backends'];

/** The embedded default: PostgreSQL on PGlite in ./data, read and write. */
export const DEFAULT_BACKENDS = [{ name: 'embedded', type: 'postgres', url: 'pglite://./data', read: true }];

export function parseConfig(raw: unknown): GatewayConfig {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('the configuration file must be a YAML mapping');
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!topLevelKeys.includes(key)) {
      throw new ConfigError(`${key}: unknown key (known keys: ${topLevelKeys.join(', ')})`);
    }
  }
  const backendsRaw = input.backends ?? DEFAULT_BACKENDS;
  if (!Array.isArray(backendsRaw) || backendsRaw.length === 0) {
    throw new ConfigError('backends: expected a non-empty list of backends');
  }
  const backends = backendsRaw.map((b, i) => parseBackend(b, `backends[${i}]`));
  const names = new Set<string>();
  for (const [i, b] of backends.entries()) {
    if (names.has(b.name)) throw new ConfigError(`backends[${i}].name: duplicate backend name "${b.name}"`);
    names.add(b.name);
  }
  const web = parseOptions(webOptions, input.web, 'web');
  const write = parseOptions(writeOptions, input.write, 'write');
  const log = parseOptions(logOptions, input.log, 'log');
  return { web, write, log, backends };
}

function parseBackend(raw: unknown, path: string): BackendConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${path}: expected a mapping with name, type and the backend's options`);
  }
  const input = raw as Record<string, unknown>;
  const type = input.type;
  if (typeof type !== 'string') {
    throw new ConfigError(`${path}.type: required key is missing (one of ${adapterTypes().join(', ')})`);
  }
  const kind = findAdapterKind(type);
  if (!kind) {
    throw new ConfigError(
      `${path}.type: unknown backend type "${type}" (known: ${adapterTypes().join(', ')})`,
    );
  }
  const commonKeys = Object.keys(backendCommonOptions);
  const common = parseOptions(backendCommonOptions, raw, path, Object.keys(kind.options));
  const options = parseOptions(kind.options, raw, path, commonKeys);
  kind.validate?.(options, path);
  return { ...common, kind, options };
}
