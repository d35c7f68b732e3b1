// All chunks of one series for a STREAMED_XOR_CHUNKS answer: XOR chunks for its float samples,
// histogram chunks (HISTOGRAM / FLOAT_HISTOGRAM) for its native histograms, merged in start-time
// order (ChunkedSeries.chunks must be in start-time order; chunks of different kinds may overlap,
// which the format allows: the client merges samples of overlapping chunks).

import type { SeriesSamples } from '../model.js';
import { histogramChunks } from './histogram-chunk.js';
import { xorChunks, type EncodedChunk } from './xor-chunk.js';

/**
 * Yields the series' chunks by minTimeMs; on equal start times the float chunk comes first.
 * Both inputs are already sorted by time, so this is a lazy two-way merge.
 */
export function* seriesChunks(s: SeriesSamples): Generator<EncodedChunk> {
  const floats = xorChunks(s.timestamps, s.values);
  const histograms =
    s.histograms !== undefined && s.histograms.length > 0 ? histogramChunks(s.histograms) : undefined;
  if (histograms === undefined) {
    yield* floats;
    return;
  }
  let f = floats.next();
  let h = histograms.next();
  while (!f.done || !h.done) {
    if (!f.done && (h.done || f.value.minTimeMs <= h.value.minTimeMs)) {
      yield f.value;
      f = floats.next();
    } else if (!h.done) {
      yield h.value;
      h = histograms.next();
    }
  }
}
