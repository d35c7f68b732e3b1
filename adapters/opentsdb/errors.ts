// OpenTSDB answers and socket failures mapped onto the two error classes the core reads.
// Rule: only what can never succeed is permanent (HTTP 400 upstream → Prometheus drops it);
// anything an operator or time can fix stays retryable so Prometheus keeps the data.

import { PermanentError, RetryableError, networkErrorCode } from '../../src/adapter.js';

export function networkError(err: unknown, what: string): RetryableError {
  const code = networkErrorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code !== undefined) {
    return new RetryableError('OPENTSDB_UNAVAILABLE', `OpenTSDB ${what} failed: ${message} (${code})`, {
      cause: err,
    });
  }
  return new RetryableError(
    'OPENTSDB_UNCLASSIFIED',
    `OpenTSDB ${what} failed (unclassified, treated as retryable): ${message}`,
    { cause: err },
  );
}

/** OpenTSDB's error body: {"error":{"code":400,"message":"…","details":"…"}}. */
export function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; details?: unknown } };
    const m = parsed.error?.message;
    if (typeof m === 'string') return m;
  } catch {
    /* not JSON */
  }
  return body.slice(0, 300);
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Classifies a non-success HTTP answer of a whole request. */
export function statusError(
  status: number,
  body: string,
  retryAfter: string | undefined,
  what: string,
): RetryableError | PermanentError {
  const message = `OpenTSDB ${what}: HTTP ${status}: ${errorMessage(body)}`;
  if (status >= 500 || status === 429 || status === 408) {
    return new RetryableError('OPENTSDB_UNAVAILABLE', message, { retryAfterMs: retryAfterMs(retryAfter) });
  }
  // tsd.mode=ro answers 404 on /api/put; auth failures and a wrong URL are operator fixes.
  if (status === 404 || status === 401 || status === 403) {
    return new RetryableError('OPENTSDB_SETUP', message, { retryAfterMs: 10_000 });
  }
  if (status === 413) {
    return new PermanentError('OPENTSDB_TOO_LARGE', `${message} (lower max_request_size)`);
  }
  return new PermanentError('OPENTSDB_REJECTED', message);
}

/** Bounded reason code for one data point OpenTSDB refused (`?details` errors). */
export function pointErrorReason(error: string): string {
  if (/NaN|Infinite/i.test(error)) return 'unsupported_value';
  if (/No such name for 'metrics'/i.test(error)) return 'unknown_metric';
  if (/too many tags/i.test(error)) return 'too_many_tags';
  if (/timestamp/i.test(error)) return 'invalid_timestamp';
  if (/invalid|illegal|character/i.test(error)) return 'invalid_name';
  return 'backend_rejected';
}
