// Structured logs in Prometheus' style: logfmt (default) or JSON, one line per event, on stderr.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function logfmtValue(v: unknown): string {
  const s = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v);
  if (s === undefined) return '""';
  return /^[^\s"=\\]+$/.test(s) ? s : JSON.stringify(s);
}

export function createLogger(
  options: { level?: LogLevel; format?: LogFormat; write?: (line: string) => void } = {},
  base: LogFields = {},
): Logger {
  const min = RANK[options.level ?? 'info'];
  const format = options.format ?? 'logfmt';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));

  const emit = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (RANK[level] < min) return;
    const all: LogFields = { ts: new Date().toISOString(), level, msg, ...base, ...fields };
    if (format === 'json') {
      write(JSON.stringify(all, (_k, v: unknown) => (v instanceof Error ? v.message : v)));
    } else {
      write(
        Object.entries(all)
          .map(([k, v]) => `${k}=${logfmtValue(v)}`)
          .join(' '),
      );
    }
  };

  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = createLogger({ write: () => {} });

/**
 * Logs at most one line per key per interval, with the number suppressed since the last one
 * (per-sample warnings are the anti-pattern, users.md P0.3).
 */
export function createRateLimitedLog(logger: Logger, intervalMs = 10_000) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (level: LogLevel, key: string, msg: string, fields: LogFields = {}): void => {
    const now = Date.now();
    const entry = last.get(key);
    if (entry && now - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    last.set(key, { at: now, suppressed: 0 });
    if (last.size > 1000) last.delete(last.keys().next().value as string);
    logger[level](msg, suppressed > 0 ? { ...fields, suppressed } : fields);
  };
}
