// Command-line flags in Prometheus' style (--flag=value or --flag value). The two web flags
// and --config.file are a public contract; the legacy adapter's flags are accepted so that an
// existing deployment can swap its image (design.md §5).

import { ConfigError } from '../errors.js';

export interface Flags {
  readonly configFile?: string;
  readonly listenAddress?: string;
  readonly telemetryPath?: string;
  readonly logLevel?: string;
  readonly logFormat?: string;
  readonly sendTimeout?: string;
  readonly help: boolean;
}

interface FlagSpec {
  readonly name: string;
  readonly key?: keyof Omit<Flags, 'help'>;
  readonly doc: string;
  /** Set when the flag belongs to an adapter that is not available yet. */
  readonly unavailable?: string;
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
  ...['graphite-address', 'graphite-transport', 'graphite-prefix'].map((name) => ({
    name,
    doc: 'legacy Graphite flag',
    unavailable: 'the graphite adapter is not available in this version yet',
  })),
  {
    name: 'opentsdb-url',
    doc: 'legacy OpenTSDB flag',
    unavailable: 'the opentsdb adapter is not available in this version yet',
  },
  ...['influxdb-url', 'influxdb.database', 'influxdb.retention-policy', 'influxdb.username'].map((name) => ({
    name,
    doc: 'legacy InfluxDB flag',
    unavailable: 'the influxdb adapter is not available in this version yet',
  })),
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
    if (spec.unavailable) throw new ConfigError(`--${name}: ${spec.unavailable}`);
    out[spec.key!] = value;
  }
  return out as unknown as Flags;
}

export function usage(): string {
  const lines = FLAGS.filter((f) => !f.unavailable).map((f) => `  --${f.name.padEnd(22)} ${f.doc}`);
  return `usage: promgate [flags]\n\n${lines.join('\n')}\n  -h, --help               show this help\n`;
}
