// Answers one remote-read query: asks every readable backend, re-applies all matchers with
// Prometheus semantics (Prometheus does not re-filter what a remote returns), merges series
// that several backends hold, clips to the time range, sorts series, enforces the sample limit.

import { RequestError } from '../errors.js';
import {
  compareLabelSets,
  makeSeriesRef,
  type ReadQuery,
  type SeriesRef,
  type SeriesSamples,
} from '../model.js';
import type { Backend } from '../pipeline/backend.js';
import { compileMatchers } from './matchers.js';
import { clipAndMerge } from './merge-series.js';

export async function executeQuery(
  query: ReadQuery,
  backends: readonly Backend[],
  signal: AbortSignal,
  sampleLimit: number,
): Promise<SeriesSamples[]> {
  const matches = compileMatchers(query.matchers);
  const found = new Map<string, { series: SeriesRef; parts: SeriesSamples[] }>();
  let samples = 0;
  // One failed backend fails the query (partial answers would be silently wrong): stop the others.
  const stopOthers = new AbortController();
  const readSignal = AbortSignal.any([signal, stopOthers.signal]);

  await Promise.all(
    backends.map(async (backend) => {
      try {
        await collect(backend);
      } catch (err) {
        stopOthers.abort(err);
        throw err;
      }
    }),
  );

  async function collect(backend: Backend): Promise<void> {
    for await (const s of backend.read(query, readSignal)) {
      if (!matches(s.series.labels)) continue;
      samples += s.timestamps.length;
      if (samples > sampleLimit) {
        throw new RequestError(
          400,
          'read_sample_limit',
          `query selects more than ${sampleLimit} samples (web.read_sample_limit)`,
        );
      }
      const entry = found.get(s.series.key);
      if (entry) entry.parts.push(s);
      else found.set(s.series.key, { series: makeSeriesRef(s.series.labels), parts: [s] });
    }
  }

  const result: SeriesSamples[] = [];
  for (const { series, parts } of found.values()) {
    const merged = clipAndMerge(series, parts, query.startMs, query.endMs);
    if (merged.timestamps.length > 0) result.push(merged);
  }
  result.sort((a, b) => compareLabelSets(a.series.labels, b.series.labels));
  return result;
}
