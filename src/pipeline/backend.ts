// One configured backend: its adapter, lifecycle (start with background retries, health),
// in-flight budget with the overload score, bounded concurrency and retries.

import type { Adapter, Health, WriteOutcome } from '../adapter.js';
import type { BackendConfig } from '../config/config.js';
import { classify, PermanentError, RetryableError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { ReadQuery, SeriesSamples, WriteBatch } from '../model.js';
import { createOverloadBudget } from './overload.js';
import { withRetries } from './retry.js';
import { createSemaphore } from './semaphore.js';

/** How one backend dealt with one request's batch. */
export type BackendWriteResult =
  | { readonly kind: 'written'; readonly outcome: WriteOutcome }
  | { readonly kind: 'shed'; readonly retryAfterMs: number }
  | { readonly kind: 'failed'; readonly error: RetryableError | PermanentError };

export type BackendState = 'starting' | 'ready' | 'closed';

export interface Backend {
  readonly name: string;
  readonly readable: boolean;
  readonly adapter: Adapter;
  readonly state: BackendState;
  /** Starts the adapter, retrying in the background until it succeeds or close() is called. */
  start(): void;
  /** Resolves when started (or rejects when closed first); for tests and start-up logging. */
  ready(): Promise<void>;
  write(batch: WriteBatch, deadline: number): Promise<BackendWriteResult>;
  read(query: ReadQuery, signal: AbortSignal): AsyncIterable<SeriesSamples>;
  health(): Promise<Health>;
  close(): Promise<void>;
}

const START_RETRY_MS = 2_000;
/** Retry-After suggested while shedding or starting (seconds granularity on the wire). */
const SHED_RETRY_AFTER_MS = 1_000;

export function createBackend(
  config: BackendConfig,
  adapter: Adapter,
  metrics: Metrics,
  logger: Logger,
): Backend {
  const name = config.name;
  const log = logger.child({ backend: name });
  const labels = { backend: name };
  const budget = createOverloadBudget(config.max_inflight_samples, (s) => {
    metrics.backendInflightSamples.set(labels, s.inflight);
    metrics.backendOverloadScore.set(labels, s.score);
    metrics.backendShedding.set(labels, s.shedding ? 1 : 0);
  });
  const semaphore = createSemaphore(config.max_concurrency);
  const lifetime = new AbortController();
  let state: BackendState = 'starting';
  let lastStartError = 'not started yet';
  let resolveReady!: () => void;
  let rejectReady!: (err: unknown) => void;
  const readyPromise = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  readyPromise.catch(() => {});
  metrics.backendUp.set(labels, 0);
  metrics.backendOverloadScore.set(labels, 0);
  metrics.backendShedding.set(labels, 0);
  metrics.backendInflightSamples.set(labels, 0);

  async function startLoop(): Promise<void> {
    while (state === 'starting') {
      try {
        await adapter.start(lifetime.signal);
        if (lifetime.signal.aborted) return;
        state = 'ready';
        metrics.backendUp.set(labels, 1);
        log.info('backend started');
        resolveReady();
        return;
      } catch (err) {
        if (lifetime.signal.aborted) return;
        lastStartError = err instanceof Error ? err.message : String(err);
        log.warn('backend start failed; retrying', { err: lastStartError, retry_in_ms: START_RETRY_MS });
        await new Promise((r) => setTimeout(r, START_RETRY_MS));
      }
    }
  }

  async function attemptWrite(batch: WriteBatch, signal: AbortSignal): Promise<WriteOutcome> {
    const release = await semaphore.acquire(signal);
    const timer = metrics.backendWriteDuration.startTimer(labels);
    try {
      return await adapter.write(batch, signal);
    } finally {
      timer();
      release();
    }
  }

  function countFailure(error: RetryableError | PermanentError, operation: string): void {
    metrics.backendErrors.inc({ backend: name, operation, class: error.class, code: error.code });
  }

  return {
    name,
    readable: config.read,
    adapter,
    get state() {
      return state;
    },
    start() {
      void startLoop();
    },
    ready: () => readyPromise,

    async write(batch, deadline) {
      if (state !== 'ready') {
        const error =
          state === 'closed'
            ? new RetryableError('CLOSED', `backend ${name} is shutting down`)
            : new RetryableError('NOT_STARTED', `backend ${name} is not started yet: ${lastStartError}`);
        countFailure(error, 'write');
        return { kind: 'failed', error };
      }
      // Histograms and exemplars weigh like samples in the budget: rare, and bounded per request.
      const weight = batch.sampleCount + batch.histogramCount + batch.exemplarCount;
      if (!budget.tryAcquire(weight)) {
        return { kind: 'shed', retryAfterMs: SHED_RETRY_AFTER_MS };
      }
      try {
        const outcome = await withRetries((signal) => attemptWrite(batch, signal), {
          deadline,
          onRetry: (error, attempt, delayMs) => {
            countFailure(error, 'write');
            metrics.backendRetries.inc(labels);
            log.debug('write failed; retrying', {
              err: error.message,
              code: error.code,
              attempt,
              delay_ms: delayMs,
            });
          },
        });
        return { kind: 'written', outcome };
      } catch (err) {
        const error = classify(err);
        countFailure(error, 'write');
        if (error.code === 'UNCLASSIFIED')
          log.error('unclassified write error (treated as retryable)', { err });
        return { kind: 'failed', error };
      } finally {
        budget.release(weight);
      }
    },

    async *read(query, signal) {
      if (!adapter.read) throw new PermanentError('NO_READ', `backend ${name} cannot serve reads`);
      if (state !== 'ready') throw new RetryableError('NOT_STARTED', `backend ${name} is not started yet`);
      try {
        yield* adapter.read(query, signal);
        metrics.readQueries.inc({ backend: name, result: 'ok' });
      } catch (err) {
        const error = classify(err);
        countFailure(error, 'read');
        metrics.readQueries.inc({ backend: name, result: 'error' });
        throw error;
      }
    },

    async health() {
      if (state === 'starting') return { ok: false, message: `starting: ${lastStartError}` };
      if (state === 'closed') return { ok: false, message: 'closed' };
      const h = await adapter.health();
      metrics.backendUp.set(labels, h.ok ? 1 : 0);
      return h;
    },

    async close() {
      if (state === 'closed') return;
      state = 'closed';
      lifetime.abort(new RetryableError('CLOSED', `backend ${name} closed`));
      rejectReady(new Error(`backend ${name} closed before it started`));
      metrics.backendUp.set(labels, 0);
      // close() is idempotent and must also release what a half-finished start() opened.
      await adapter.close();
    },
  };
}
