// Merges the samples of one series that came from several backends (or several chunks of one
// backend) into one time-sorted run, keeping the first value seen for a timestamp, and clips
// it to the query range. Values are copied as 32-bit words so NaN payloads survive.

import type { SeriesRef, SeriesSamples } from '../model.js';

export function clipAndMerge(
  series: SeriesRef,
  parts: readonly SeriesSamples[],
  startMs: number,
  endMs: number,
): SeriesSamples {
  if (parts.length === 1 && isSortedWithin(parts[0]!, startMs, endMs)) {
    return { series, timestamps: parts[0]!.timestamps, values: parts[0]!.values };
  }
  // Collect (part, index) pairs in range, then order by timestamp; stable, so earlier parts win ties.
  const refs: Array<{ t: number; part: number; i: number }> = [];
  parts.forEach((p, part) => {
    for (let i = 0; i < p.timestamps.length; i++) {
      const t = p.timestamps[i]!;
      if (t >= startMs && t <= endMs) refs.push({ t, part, i });
    }
  });
  refs.sort((a, b) => a.t - b.t || a.part - b.part);
  let n = 0;
  for (let k = 0; k < refs.length; k++) if (k === 0 || refs[k]!.t !== refs[k - 1]!.t) n++;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  const out = new Uint32Array(values.buffer);
  let j = 0;
  for (let k = 0; k < refs.length; k++) {
    const r = refs[k]!;
    if (k > 0 && r.t === refs[k - 1]!.t) continue;
    const src = parts[r.part]!.values;
    const words = new Uint32Array(src.buffer, src.byteOffset + r.i * 8, 2);
    timestamps[j] = r.t;
    out[2 * j] = words[0]!;
    out[2 * j + 1] = words[1]!;
    j++;
  }
  return { series, timestamps, values };
}

function isSortedWithin(p: SeriesSamples, startMs: number, endMs: number): boolean {
  const ts = p.timestamps;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t < startMs || t > endMs) return false;
    if (i > 0 && t <= ts[i - 1]!) return false;
  }
  return true;
}
