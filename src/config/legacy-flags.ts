// The flags of Prometheus' example remote_storage_adapter, turned into backends exactly as it
// used them, so that a deployment can swap its image without changing its arguments
// (protocols.md §6.1). Reads: the legacy adapter read from InfluxDB only.

export interface LegacyFlagValues {
  graphiteAddress?: string;
  graphiteTransport?: string;
  graphitePrefix?: string;
  opentsdbUrl?: string;
  influxdbUrl?: string;
  influxdbDatabase?: string;
  influxdbRetentionPolicy?: string;
  influxdbUsername?: string;
  /** Legacy per-backend send timeout; also the deadline of a whole write (web.write_timeout). */
  sendTimeout?: string;
}

/** Raw backend entries (validated later like any from the configuration file). */
export function legacyBackends(
  flags: LegacyFlagValues,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown>[] {
  const backends: Record<string, unknown>[] = [];
  if (flags.graphiteAddress) {
    backends.push({
      name: 'graphite',
      type: 'graphite',
      address: flags.graphiteAddress,
      transport: flags.graphiteTransport ?? 'tcp',
      mode: 'path',
      // The legacy prefix is prepended with no separator; an empty one is simply absent.
      ...(flags.graphitePrefix ? { prefix: flags.graphitePrefix } : {}),
      // The legacy adapter dialled with --send-timeout; here it bounds connecting and writing.
      ...(flags.sendTimeout ? { connect_timeout: flags.sendTimeout, write_timeout: flags.sendTimeout } : {}),
    });
  }
  if (flags.opentsdbUrl) {
    backends.push({ name: 'opentsdb', type: 'opentsdb', url: flags.opentsdbUrl, ...timeout(flags) });
  }
  if (flags.influxdbUrl) {
    backends.push({
      name: 'influxdb',
      type: 'influxdb',
      url: flags.influxdbUrl,
      api: 'v1',
      database: flags.influxdbDatabase ?? 'prometheus',
      retention_policy: flags.influxdbRetentionPolicy ?? 'autogen',
      ...(flags.influxdbUsername ? { username: flags.influxdbUsername } : {}),
      ...(flags.influxdbUsername && env.INFLUXDB_PW ? { password: env.INFLUXDB_PW } : {}),
      read: true,
      ...timeout(flags),
    });
  }
  return backends;
}

function timeout(flags: LegacyFlagValues): { timeout?: string } {
  return flags.sendTimeout ? { timeout: flags.sendTimeout } : {};
}
