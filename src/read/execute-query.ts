// Answers one remote-read query as a stream of series (issue #6): every readable backend is a
// source of series in label-set order, and a k-way merge over them yields each label set once,
// merged across backends, with every matcher re-applied with Prometheus semantics (Prometheus
// does not re-filter what a remote returns), clipped to the time range, empty series dropped.
//
// A source is the adapter's own stream when it declares capabilities.sortedRead (the order is
// checked as it flows: a backend that breaks its promise fails the query rather than produce a
// wrong answer), else the backend's whole result collected and sorted. Memory: one series of
// look-ahead per source, plus the collected results of the sources without sortedRead.
//
// One failed backend fails the query (a partial answer would be silently wrong) and stops the
// others; so does a consumer that stops reading (e.g. the client went away).

import { PermanentError, RequestError } from '../errors.js';
import { compareLabelSets, type Labels, type ReadQuery, type SeriesSamples } from '../model.js';
import type { Backend } from '../pipeline/backend.js';
import { compileMatchers, type SeriesTest } from './matchers.js';
import { clipAndMerge } from './merge-series.js';

export interface QueryStreamOptions {
  /**
   * Most samples plus histograms the backends without sortedRead may hand over for this query
   * while their results are collected (before merging and clipping). Bounds the memory a
   * SAMPLES answer can take before its own limit applies; unset: no bound (streamed answers).
   */
  readonly collectLimit?: number;
  /** The configured web.read_sample_limit, for the error message; default collectLimit. */
  readonly configuredLimit?: number;
}

/** Samples plus histograms of a series, the unit web.read_sample_limit counts. */
export function pointCount(s: SeriesSamples): number {
  return s.timestamps.length + (s.histograms?.length ?? 0);
}

export function sampleLimitError(limit: number): RequestError {
  return new RequestError(
    400,
    'read_sample_limit',
    `read selects more than ${limit} samples and histograms (web.read_sample_limit; a STREAMED_XOR_CHUNKS read has no such limit)`,
  );
}

/**
 * The series answering `query`, one at a time, in label-set order (compareLabelSets), each
 * label set once. Matchers are compiled here, before any backend is asked, so an invalid regex
 * throws RequestError(400) from this call. Errors of the backends come out of the iteration;
 * ending the iteration early (break, return, a throw in the consumer) stops the backends.
 */
export function streamQuery(
  query: ReadQuery,
  backends: readonly Backend[],
  signal: AbortSignal,
  options: QueryStreamOptions = {},
): AsyncGenerator<SeriesSamples, void, undefined> {
  const matches = compileMatchers(query.matchers);
  return mergeSources(query, backends, signal, matches, options);
}

async function* mergeSources(
  query: ReadQuery,
  backends: readonly Backend[],
  signal: AbortSignal,
  matches: SeriesTest,
  options: QueryStreamOptions,
): AsyncGenerator<SeriesSamples, void, undefined> {
  const stop = new AbortController();
  const readSignal = AbortSignal.any([signal, stop.signal]);
  const budget = {
    left: options.collectLimit ?? Infinity,
    limit: options.configuredLimit ?? options.collectLimit ?? 0,
  };
  const sources: AsyncIterator<SeriesSamples>[] = backends.map((b) =>
    b.adapter.capabilities.sortedRead === true
      ? checkedSource(b, query, readSignal, matches)
      : collectedSource(b, query, readSignal, matches, budget),
  );
  const heads: (SeriesSamples | undefined)[] = sources.map(() => undefined);
  const pulled: SeriesSamples[][] = sources.map(() => []);

  /**
   * Moves source i past the label set of its head: the parts it holds for that label set go
   * to pulled[i] (a collected source may hold several), its next label set becomes the head.
   */
  async function pull(i: number): Promise<void> {
    const first = heads[i];
    for (;;) {
      const r = await sources[i]!.next();
      const s = r.done === true ? undefined : r.value;
      if (first !== undefined && s !== undefined && s.series.key === first.series.key) {
        pulled[i]!.push(s);
        continue;
      }
      heads[i] = s;
      return;
    }
  }

  async function pullAll(which: readonly number[]): Promise<void> {
    try {
      await Promise.all(which.map(pull));
    } catch (err) {
      stop.abort(err);
      throw err;
    }
  }

  let complete = false;
  try {
    await pullAll(sources.map((_s, i) => i));
    for (;;) {
      let min: Labels | undefined;
      let key = '';
      for (const h of heads) {
        if (h !== undefined && (min === undefined || compareLabelSets(h.series.labels, min) < 0)) {
          min = h.series.labels;
          key = h.series.key;
        }
      }
      if (min === undefined) {
        complete = true;
        return;
      }
      const holders: number[] = [];
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h !== undefined && h.series.key === key) {
          pulled[i] = [h];
          holders.push(i);
        }
      }
      // Look ahead before yielding: a collected source may hold more parts of this label set.
      await pullAll(holders);
      const parts: SeriesSamples[] = [];
      for (const i of holders) {
        parts.push(...pulled[i]!);
        pulled[i] = [];
      }
      const merged = clipAndMerge(parts[0]!.series, parts, query.startMs, query.endMs);
      if (pointCount(merged) > 0) yield merged;
    }
  } finally {
    if (!complete) {
      if (!stop.signal.aborted) stop.abort(new Error('remote read ended before this backend finished'));
      // Not awaited: a source still busy settles on its own once it sees the abort.
      for (const s of sources) void s.return?.().catch(() => {});
    }
  }
}

/** A sortedRead backend's own stream, its order verified as it flows. */
async function* checkedSource(
  backend: Backend,
  query: ReadQuery,
  signal: AbortSignal,
  matches: SeriesTest,
): AsyncGenerator<SeriesSamples, void, undefined> {
  let prev: SeriesSamples | undefined;
  for await (const s of backend.read(query, signal)) {
    if (prev !== undefined) {
      const order = compareLabelSets(prev.series.labels, s.series.labels);
      if (order >= 0) {
        const what = order === 0 ? `${s.series.key} twice` : `${s.series.key} after ${prev.series.key}`;
        throw new PermanentError(
          'UNSORTED_READ',
          `backend ${backend.name} declares sortedRead but its read() yielded ${what} (an adapter bug; the query fails rather than answer wrongly)`,
        );
      }
    }
    prev = s;
    if (matches(s.series.labels)) yield s;
  }
}

/**
 * A backend's whole result, collected and sorted by label set; the parts of a label set the
 * backend yielded more than once come out consecutively, in arrival order.
 */
async function* collectedSource(
  backend: Backend,
  query: ReadQuery,
  signal: AbortSignal,
  matches: SeriesTest,
  budget: { left: number; readonly limit: number },
): AsyncGenerator<SeriesSamples, void, undefined> {
  const found = new Map<string, SeriesSamples[]>();
  for await (const s of backend.read(query, signal)) {
    if (!matches(s.series.labels)) continue;
    budget.left -= pointCount(s);
    if (budget.left < 0) throw sampleLimitError(budget.limit);
    const parts = found.get(s.series.key);
    if (parts) parts.push(s);
    else found.set(s.series.key, [s]);
  }
  const groups: (SeriesSamples[] | undefined)[] = [...found.values()].sort((a, b) =>
    compareLabelSets(a[0]!.series.labels, b[0]!.series.labels),
  );
  found.clear();
  for (let g = 0; g < groups.length; g++) {
    const parts = groups[g]!;
    groups[g] = undefined; // yielded series can be freed once the consumer is done with them
    yield* parts;
  }
}

/**
 * The whole answer to one query, for SAMPLES responses (one message, so it is collected).
 * `sampleLimit` caps the samples plus histograms returned: web.read_sample_limit, or what is
 * left of it for this request (`configuredLimit` is then the configured value, for the message).
 * It also bounds what backends without sortedRead hand over while they are collected.
 */
export async function executeQuery(
  query: ReadQuery,
  backends: readonly Backend[],
  signal: AbortSignal,
  sampleLimit: number,
  configuredLimit = sampleLimit,
): Promise<SeriesSamples[]> {
  const result: SeriesSamples[] = [];
  let points = 0;
  const stream = streamQuery(query, backends, signal, { collectLimit: sampleLimit, configuredLimit });
  for await (const s of stream) {
    points += pointCount(s);
    if (points > sampleLimit) throw sampleLimitError(configuredLimit);
    result.push(s);
  }
  return result;
}
