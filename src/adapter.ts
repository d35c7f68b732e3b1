// The Adapter contract (design.md §3) and the one door through which code under adapters/
// reaches the core: adapters import from this module only (plus their own files and client).

import type { Logger } from './log.js';
import type { OptionsSchema, ParsedOptions } from './config/options.js';
import type { ReadQuery, SeriesExemplars, SeriesSamples, WriteBatch } from './model.js';

export * from './model.js';
export * from './errors.js';
export * from './config/options.js';
export { networkErrorCode } from './network-errors.js';
/** The exact protobuf form of a native histogram, for adapters that store it as bytes. */
export { decodeHistogramBytes, encodeHistogram } from './codec/histogram-proto.js';
export type { Logger } from './log.js';
/** Prometheus matcher semantics, for adapters that filter series before fetching samples. */
export { compileMatchers, matchesEmpty } from './read/matchers.js';

/** A sample (or series) the backend can never store, reported while the rest is written. */
export interface Rejection {
  /** Bounded reason code, used as the `reason` metric label (e.g. "nul_in_label"). */
  readonly reason: string;
  /** Samples rejected for this reason. */
  readonly count: number;
  /** One example (a series key and why), for the log and the HTTP error body. */
  readonly example: string;
  /** What was rejected: float samples (the default), native histograms or exemplars. */
  readonly kind?: 'sample' | 'histogram' | 'exemplar';
}

/**
 * What a successful write call did. For each kind, stored + rejected of that kind = what the
 * batch carried: written + rejected samples = batch.sampleCount, and so on.
 */
export interface WriteOutcome {
  /** Float samples stored. */
  readonly written: number;
  readonly rejected: readonly Rejection[];
  /** Native histograms stored (omitted: 0). Only an adapter with capabilities.histograms gets any. */
  readonly writtenHistograms?: number;
  /** Exemplars stored (omitted: 0). Only an adapter with capabilities.exemplars gets any. */
  readonly writtenExemplars?: number;
}

export interface Capabilities {
  /** The adapter implements read(). */
  readonly read: boolean;
  /** The adapter stores metric metadata (type/help/unit); otherwise it is counted as dropped. */
  readonly metadata: boolean;
  /**
   * The adapter stores native histograms (and returns them from read() when it reads);
   * otherwise the core never hands it any and counts them dropped (`unsupported_histogram`).
   */
  readonly histograms: boolean;
  /** The adapter stores exemplars; otherwise counted dropped (`unsupported_exemplar`). */
  readonly exemplars: boolean;
  /**
   * read() yields series in label-set order (compareLabelSets), each label set once, so the core
   * can stream them without collecting the whole result first. Unset: the core collects and sorts.
   */
  readonly sortedRead?: boolean;
}

export interface Health {
  readonly ok: boolean;
  /** Why not ok (shown on /-/ready). */
  readonly message?: string;
}

/**
 * One configured backend.
 *
 * Lifecycle: start() once, then any number of concurrent write()/read() calls, then close().
 * Calls after close() throw RetryableError('CLOSED').
 *
 * Buffers: the batch and its Float64Arrays belong to the caller and stay valid until the
 * returned promise settles; an adapter that keeps data beyond that must copy it.
 */
export interface Adapter {
  readonly capabilities: Capabilities;

  /**
   * Connects and prepares (e.g. runs schema migrations). Throws with a clear message when the
   * backend cannot be prepared; the core retries start() in the background while unready.
   */
  start(signal: AbortSignal): Promise<void>;

  /**
   * Stores a batch. Must be idempotent: writing the same batch twice leaves the backend as if
   * written once (Prometheus resends whole requests). Throws RetryableError (network, timeout,
   * overload, backend down) or PermanentError (the whole call can never succeed). Samples the
   * backend can never store are reported in the outcome while the rest is written.
   */
  write(batch: WriteBatch, signal: AbortSignal): Promise<WriteOutcome>;

  /**
   * Yields series matching the query. May push down only what the backend evaluates exactly
   * as Prometheus would; the core re-applies every matcher and the time range to what comes
   * back. Each yielded series has its samples sorted by timestamp.
   */
  read?(query: ReadQuery, signal: AbortSignal): AsyncIterable<SeriesSamples>;

  /**
   * Yields the stored exemplars of the series matching the query, in [startMs, endMs], sorted by
   * timestamp within a series. Only for adapters with capabilities.exemplars.
   */
  readExemplars?(query: ReadQuery, signal: AbortSignal): AsyncIterable<SeriesExemplars>;

  /** Reachability for /-/ready. Must not throw. */
  health(): Promise<Health>;

  /** Flushes and disconnects. Idempotent. */
  close(): Promise<void>;
}

export interface AdapterContext {
  /** The backend's configured name (metrics and logs). */
  readonly name: string;
  readonly logger: Logger;
}

/** A kind of adapter, registered by `type` in src/registry.ts. */
export interface AdapterKind<S extends OptionsSchema = OptionsSchema> {
  /** The `type` value in the config file. */
  readonly type: string;
  /** Options besides the common ones (name, type, read and the pipeline keys). */
  readonly options: S;
  /** Validates cross-option rules without I/O (throw ConfigError naming the key). Optional. */
  validate?(options: ParsedOptions<S>, path: string): void;
  create(options: ParsedOptions<S>, context: AdapterContext): Adapter;
}

/** Helper that keeps the options type when declaring a kind. */
export function defineAdapterKind<S extends OptionsSchema>(kind: AdapterKind<S>): AdapterKind<S> {
  return kind;
}
