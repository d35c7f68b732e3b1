// All chunks of one series for a STREAMED_XOR_CHUNKS answer: XOR chunks for its float samples,
// histogram chunks (HISTOGRAM / FLOAT_HISTOGRAM) for its native histograms, in time order.
//
// Prometheus' client reads a series' chunks one after the other and never merges or sorts what
// they hold, so chunks must not overlap in time. Prometheus' own TSDB never lets them: it cuts a
// new chunk whenever a series switches between floats and histograms. So do we: the series is
// cut into runs of one kind, each encoded on its own. A float and a histogram at the same
// millisecond cannot both be in a Prometheus series; here the float wins and that histogram is
// not sent (SAMPLES answers carry both, the client's iterator picks one).

import type { NativeHistogram, SeriesSamples } from '../model.js';
import { histogramChunks } from './histogram-chunk.js';
import { xorChunks, type EncodedChunk } from './xor-chunk.js';

/** Yields the series' chunks in time order, never overlapping. Inputs are sorted by time. */
export function* seriesChunks(s: SeriesSamples): Generator<EncodedChunk> {
  const { timestamps, values } = s;
  const histograms = withoutFloatTimes(s.histograms ?? [], timestamps);
  let f = 0;
  let h = 0;
  while (f < timestamps.length || h < histograms.length) {
    if (h === histograms.length || (f < timestamps.length && timestamps[f]! < histograms[h]!.timestampMs)) {
      // Floats before the next histogram; views, not copies, so the values' bits are untouched.
      const until = h < histograms.length ? histograms[h]!.timestampMs : Infinity;
      let end = f;
      while (end < timestamps.length && timestamps[end]! < until) end++;
      yield* xorChunks(timestamps.subarray(f, end), values.subarray(f, end));
      f = end;
    } else {
      // Histograms before the next float.
      const until = f < timestamps.length ? timestamps[f]! : Infinity;
      let end = h;
      while (end < histograms.length && histograms[end]!.timestampMs < until) end++;
      yield* histogramChunks(histograms.slice(h, end));
      h = end;
    }
  }
}

/** The histograms at times no float sample has (the float wins a shared millisecond). */
function withoutFloatTimes(
  histograms: readonly NativeHistogram[],
  timestamps: Float64Array,
): readonly NativeHistogram[] {
  if (histograms.length === 0 || timestamps.length === 0) return histograms;
  const kept: NativeHistogram[] = [];
  let f = 0;
  for (const h of histograms) {
    while (f < timestamps.length && timestamps[f]! < h.timestampMs) f++;
    if (f === timestamps.length || timestamps[f] !== h.timestampMs) kept.push(h);
  }
  return kept.length === histograms.length ? histograms : kept;
}
