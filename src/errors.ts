// Typed errors (style.md §4): the code that knows a backend classifies its failures; the core
// reads only the class. Anything unclassified is treated as retryable and logged loudly, so a
// bug never turns into silent loss.

export type ErrorClass = 'retryable' | 'permanent';

/** A failure that may succeed later: network, timeout, 5xx, overload, backend down. */
export class RetryableError extends Error {
  readonly class = 'retryable' as const;
  /** Machine-readable code, e.g. PG_UNAVAILABLE; bounded set, usable as a metric label. */
  readonly code: string;
  /** Hint from the backend (e.g. its Retry-After) in milliseconds; undefined when unknown. */
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RetryableError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A failure that can never succeed for this data: the backend rejects it as invalid. */
export class PermanentError extends Error {
  readonly class = 'permanent' as const;
  readonly code: string;

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PermanentError';
    this.code = code;
  }
}

/** The request itself is bad (HTTP 4xx); status is decided where it is thrown. */
export class RequestError extends Error {
  readonly status: number;
  /** Bounded reason code for promgate_requests_rejected_total{reason}. */
  readonly reason: string;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
    this.reason = reason;
  }
}

/** A configuration error found at start-up; the message names the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function isRetryable(err: unknown): boolean {
  return !(err instanceof PermanentError);
}

/** Turns anything thrown into one of the two classes; unknown errors become retryable. */
export function classify(err: unknown): RetryableError | PermanentError {
  if (err instanceof RetryableError || err instanceof PermanentError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RetryableError('UNCLASSIFIED', `unclassified error (treated as retryable): ${message}`, {
    cause: err,
  });
}
