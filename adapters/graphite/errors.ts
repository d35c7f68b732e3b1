// The error codes of this adapter (all bounded, usable as metric labels). Carbon never answers,
// so every write failure is about the connection and therefore retryable: carbon overwrites a
// (path, second) slot, so resending a batch that was partly delivered is harmless.

import { PermanentError, RetryableError } from '../../src/adapter.js';

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

/** Carbon could not be reached or the connection broke: retry the whole batch. */
export function carbonUnavailable(what: string, err: unknown, retryAfterMs?: number): RetryableError {
  return new RetryableError('GRAPHITE_UNAVAILABLE', `carbon ${what}: ${describe(err)}`, {
    cause: err,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** graphite-web answered with an error or not at all. 4xx on a read query is the query's fault. */
export function graphiteWebError(what: string, status: number | undefined, detail: string) {
  const message = `graphite-web ${what} failed${status === undefined ? '' : ` with HTTP ${status}`}: ${detail.slice(0, 300)}`;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return new PermanentError('GRAPHITE_WEB_REJECTED', message);
  return new RetryableError('GRAPHITE_WEB_UNAVAILABLE', message);
}

export function closedError(name: string): RetryableError {
  return new RetryableError('CLOSED', `Graphite adapter "${name}" is closed`);
}

export function abortedError(what: string, reason: unknown): RetryableError {
  return new RetryableError('ABORTED', `Graphite ${what} aborted`, { cause: reason });
}

export { describe as describeError };
