// Entry point: flags → configuration file → validated config → running gateway.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseConfig, type GatewayConfig } from './config/config.js';
import { parseFlags, usage, type Flags } from './config/flags.js';
import { legacyBackends } from './config/legacy-flags.js';
import { ConfigError } from './errors.js';
import { startGateway } from './gateway.js';

function loadConfig(flags: Flags): GatewayConfig {
  let raw: Record<string, unknown> = {};
  if (flags.configFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.configFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`--config.file: cannot read ${flags.configFile}: ${(err as Error).message}`);
    }
    try {
      raw = (parseYaml(text) as Record<string, unknown> | null) ?? {};
    } catch (err) {
      throw new ConfigError(`${flags.configFile}: invalid YAML: ${(err as Error).message}`);
    }
  }
  // Flags override the file, like Prometheus' own flags do.
  const web = { ...((raw.web as Record<string, unknown> | undefined) ?? {}) };
  if (flags.listenAddress !== undefined) web.listen_address = flags.listenAddress;
  if (flags.telemetryPath !== undefined) web.telemetry_path = flags.telemetryPath;
  if (flags.sendTimeout !== undefined) web.write_timeout = flags.sendTimeout;
  const log = { ...((raw.log as Record<string, unknown> | undefined) ?? {}) };
  if (flags.logLevel !== undefined) log.level = flags.logLevel;
  if (flags.logFormat !== undefined) log.format = flags.logFormat;
  // The legacy adapter's backend flags add backends; with them and no file, they replace the
  // embedded default.
  const fromFlags = legacyBackends(flags);
  const fileBackends = Array.isArray(raw.backends) ? (raw.backends as unknown[]) : [];
  const backends = fromFlags.length > 0 ? [...fileBackends, ...fromFlags] : raw.backends;
  return parseConfig({ ...raw, web, log, ...(backends === undefined ? {} : { backends }) });
}

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    const flags = parseFlags(process.argv.slice(2));
    if (flags.help) {
      process.stdout.write(usage());
      return;
    }
    config = loadConfig(flags);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`promgate: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const gateway = await startGateway(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`promgate: ${signal} received, shutting down\n`);
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`promgate: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`promgate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
