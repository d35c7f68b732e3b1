// Maps what node-postgres / PGlite throw onto the two error classes the core understands.
// SQLSTATE classes: https://www.postgresql.org/docs/15/errcodes-appendix.html
//
// Rule: only data that can never be stored is permanent (HTTP 400 → Prometheus drops it).
// Everything an operator or time can fix (auth, privileges, missing table, read-only
// failover, disk full) stays retryable, so Prometheus keeps the data in its WAL meanwhile.

import { PermanentError, RetryableError, networkErrorCode } from '../../src/adapter.js';

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

export function classifyPgError(err: unknown, what: string): RetryableError | PermanentError {
  if (err instanceof RetryableError || err instanceof PermanentError) return err;
  const message = `PostgreSQL ${what} failed: ${describe(err)}`;
  const state = sqlState(err);
  if (state !== undefined) return classifySqlState(state, message, err);

  if (networkErrorCode(err) !== undefined) {
    return new RetryableError('PG_UNAVAILABLE', message, { cause: err });
  }
  const text = err instanceof Error ? err.message : String(err);
  // node-postgres reports these as plain Errors without a code.
  if (/timeout exceeded when trying to connect/i.test(text)) {
    return new RetryableError('PG_POOL_TIMEOUT', message, { cause: err });
  }
  if (/Query read timeout|timeout/i.test(text))
    return new RetryableError('PG_TIMEOUT', message, { cause: err });
  if (
    /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error|not queryable/i.test(
      text,
    )
  ) {
    return new RetryableError('PG_UNAVAILABLE', message, { cause: err });
  }
  return new RetryableError('PG_UNCLASSIFIED', `${message} (unclassified, treated as retryable)`, {
    cause: err,
  });
}

function classifySqlState(state: string, message: string, cause: unknown): RetryableError | PermanentError {
  const cls = state.slice(0, 2);
  switch (cls) {
    case '08': // connection exception
    case '57': // operator intervention: 57P01 admin shutdown, 57P03 cannot connect now, 57014 canceled/timeout
      return new RetryableError(state === '57014' ? 'PG_TIMEOUT' : 'PG_UNAVAILABLE', message, { cause });
    case '53': // insufficient resources: disk full, out of memory, too many connections
      return new RetryableError('PG_RESOURCES', message, { cause, retryAfterMs: 5_000 });
    case '40': // serialization failure, deadlock detected
      return new RetryableError('PG_CONFLICT', message, { cause });
    case '55': // object not in prerequisite state, e.g. 55P03 lock not available
      return new RetryableError('PG_CONFLICT', message, { cause });
    case '22': // data exception: the value can never be stored
      return new PermanentError('PG_DATA', message, { cause });
    case '54': // program limit exceeded: too large for an index row, too many columns
      return new PermanentError('PG_LIMIT', message, { cause });
    case '23':
      // Integrity violations other than a unique race are about the data itself.
      return state === '23505'
        ? new RetryableError('PG_CONFLICT', message, { cause })
        : new PermanentError('PG_CONSTRAINT', message, { cause });
    case '28': // invalid authorization
    case '42': // privileges, missing table: an operator can fix these
    case '3D': // database does not exist
    case '3F': // schema does not exist
    case '25': // 25006 read-only transaction (standby after a failover)
      return new RetryableError('PG_SETUP', message, { cause, retryAfterMs: 10_000 });
    default:
      return new RetryableError('PG_ERROR', message, { cause });
  }
}
