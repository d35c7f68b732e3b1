// Retries of retryable errors with exponential backoff, inside a deadline (design.md §3/§7).
// Prometheus resends whole requests itself, so retrying here only smooths short blips; the
// deadline keeps the HTTP answer ahead of the sender's remote_timeout.

import { classify, PermanentError, RetryableError } from '../errors.js';

export const MIN_BACKOFF_MS = 50;
export const MAX_BACKOFF_MS = 2_000;

export interface RetryOptions {
  /** Epoch ms after which no new attempt starts. */
  readonly deadline: number;
  readonly onRetry?: (error: RetryableError, attempt: number, delayMs: number) => void;
}

/**
 * Runs `attempt` until it succeeds, throws a PermanentError, or the next attempt could not
 * start before the deadline; then the last RetryableError is thrown.
 */
export async function withRetries<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  let backoff = MIN_BACKOFF_MS;
  for (let n = 1; ; n++) {
    const remaining = options.deadline - Date.now();
    if (remaining <= 0)
      throw new RetryableError('DEADLINE', 'deadline passed before the write could be attempted');
    // A plain (ref'd, cleared) timer rather than AbortSignal.timeout: the attempt's deadline
    // must hold the process open and must not linger once the attempt is over.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new RetryableError('TIMEOUT', 'request deadline passed')),
      remaining,
    );
    const signal = controller.signal;
    let error: RetryableError | PermanentError;
    try {
      return await attempt(signal);
    } catch (err) {
      error = signal.aborted && !(err instanceof PermanentError) ? timeoutError(err) : classify(err);
    } finally {
      clearTimeout(timer);
    }
    if (error instanceof PermanentError) throw error;
    const delay = Math.min(Math.max(backoff, error.retryAfterMs ?? 0), MAX_BACKOFF_MS * 4);
    if (Date.now() + delay >= options.deadline) throw error;
    options.onRetry?.(error, n, delay);
    await sleep(delay);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

function timeoutError(cause: unknown): RetryableError {
  if (cause instanceof RetryableError) return cause;
  return new RetryableError('TIMEOUT', 'backend did not answer before the request deadline', { cause });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
