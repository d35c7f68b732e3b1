// Maps InfluxDB HTTP answers and socket failures onto the two error classes the core reads
// (protocols.md §8.1 for the status codes). Rule: only data that can never be stored is
// permanent; anything an operator or time can fix (auth, missing database or retention
// policy, overload, outage) stays retryable so Prometheus keeps the data in its WAL.

import { PermanentError, RetryableError, networkErrorCode } from '../../src/adapter.js';

const SETUP_RETRY_MS = 10_000;

export function classifyNetworkError(err: unknown, what: string, signal?: AbortSignal): RetryableError {
  if (err instanceof RetryableError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = `InfluxDB ${what} failed: ${err instanceof Error ? err.message : String(err)}`;
  if (signal?.aborted || (err as { name?: unknown } | null)?.name === 'AbortError') {
    return new RetryableError('ABORTED', `InfluxDB ${what} aborted`, { cause: err });
  }
  if (code === 'ETIMEDOUT') return new RetryableError('INFLUX_TIMEOUT', message, { cause: err });
  if (networkErrorCode(err) !== undefined) {
    return new RetryableError('INFLUX_UNAVAILABLE', message, { cause: err });
  }
  return new RetryableError('INFLUX_UNCLASSIFIED', `${message} (unclassified, treated as retryable)`, {
    cause: err,
  });
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The `error` text of an InfluxDB JSON error body (or the body itself). */
export function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    /* not JSON */
  }
  return body.trim().slice(0, 500);
}

/** Any non-2xx answer except the v1 400 partial write, which the writer counts itself. */
export function classifyStatus(
  status: number,
  body: string,
  retryAfter: string | string[] | undefined,
  what: string,
): RetryableError | PermanentError {
  const text = errorText(body);
  const message = `InfluxDB ${what} answered ${status}: ${text}`;
  const hint = parseRetryAfter(retryAfter);
  if (status === 429 || status === 503) {
    return new RetryableError('INFLUX_OVERLOAD', message, { retryAfterMs: hint ?? 1_000 });
  }
  if (status === 401 || status === 403) {
    return new RetryableError('INFLUX_AUTH', message, { retryAfterMs: hint ?? SETUP_RETRY_MS });
  }
  // 404 "database not found" (v1) or an unknown org/bucket (v2): an operator can create it.
  if (status === 404) return new RetryableError('INFLUX_SETUP', message, { retryAfterMs: SETUP_RETRY_MS });
  if (status >= 500) {
    const setup = /retention policy not found|database not found/i.test(text);
    return new RetryableError(setup ? 'INFLUX_SETUP' : 'INFLUX_SERVER', message, {
      retryAfterMs: hint ?? (setup ? SETUP_RETRY_MS : undefined),
    });
  }
  if (status === 413) {
    return new PermanentError(
      'INFLUX_TOO_LARGE',
      `${message} (lower batch_max_bytes below the server's max-body-size)`,
    );
  }
  return new PermanentError('INFLUX_REJECTED', message);
}
