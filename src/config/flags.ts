// Command-line flags in Prometheus' style (--flag=value or --flag value). The two web flags
// and --config.file are a public contract; the legacy adapter's flags are accepted so that an
// existing deployment can swap its image (design.md §5).

import { ConfigError } from '../errors.js';
import type { LegacyFlagValues } from './legacy-flags.js';

export interface Flags extends LegacyFlagValues {
  readonly configFile?: string;
  readonly listenAddress?: string;
  readonly telemetryPath?: string;
  readonly logLevel?: string;
  readonly logFormat?: string;
  readonly help: boolean;
}

interface FlagSpec {
  readonly name: string;
  readonly key: keyof Omit<Flags, 'help'>;
  readonly doc: string;
}

export const FLAGS: readonly FlagSpec[] = [
  {
    name: 'config.file',
    key: 'configFile',
    doc: 'YAML configuration file (see README); without it: PGlite in ./data',
  },
  {
    name: 'web.listen-address',
    key: 'listenAddress',
    doc: 'address to listen on (default ":9201"); overrides web.listen_address',
  },
  {
    name: 'web.telemetry-path',
    key: 'telemetryPath',
    doc: 'path of the metrics endpoint (default "/metrics")',
  },
  { name: 'log.level', key: 'logLevel', doc: 'debug, info, warn or error (default info)' },
  { name: 'log.format', key: 'logFormat', doc: 'logfmt or json (default logfmt)' },
  {
    name: 'send-timeout',
    key: 'sendTimeout',
    doc: 'legacy: deadline of one write to the backends (sets web.write_timeout)',
  },
  {
    name: 'graphite-address',
    key: 'graphiteAddress',
    doc: 'legacy: host:port of carbon; adds a Graphite backend (path mode)',
  },
  { name: 'graphite-transport', key: 'graphiteTransport', doc: 'legacy: tcp or udp (default tcp)' },
  {
    name: 'graphite-prefix',
    key: 'graphitePrefix',
    doc: 'legacy: prefix of every Graphite path, no separator added',
  },
  {
    name: 'opentsdb-url',
    key: 'opentsdbUrl',
    doc: 'legacy: OpenTSDB HTTP API base URL; adds an OpenTSDB backend',
  },
  {
    name: 'influxdb-url',
    key: 'influxdbUrl',
    doc: 'legacy: InfluxDB 1.x URL; adds an InfluxDB backend (v1 API), also read from',
  },
  {
    name: 'influxdb.database',
    key: 'influxdbDatabase',
    doc: 'legacy: InfluxDB database (default "prometheus")',
  },
  {
    name: 'influxdb.retention-policy',
    key: 'influxdbRetentionPolicy',
    doc: 'legacy: InfluxDB retention policy (default "autogen")',
  },
  {
    name: 'influxdb.username',
    key: 'influxdbUsername',
    doc: 'legacy: InfluxDB user; the password comes from $INFLUXDB_PW',
  },
];

export function parseFlags(argv: readonly string[]): Flags {
  const out: Record<string, string | boolean> = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--'))
      throw new ConfigError(`unexpected argument "${arg}" (flags look like --name=value)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = FLAGS.find((f) => f.name === name);
    if (!spec) throw new ConfigError(`--${name}: unknown flag (see --help)`);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new ConfigError(`--${name}: expected a value`);
    }
    out[spec.key] = value;
  }
  return out as unknown as Flags;
}

export function usage(): string {
  const lines = FLAGS.map((f) => `  --${f.name.padEnd(26)} ${f.doc}`);
  return `usage: promgate [flags]\n\n${lines.join('\n')}\n  -h, --help                   show this help\n`;
}
