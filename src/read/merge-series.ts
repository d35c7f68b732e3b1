// Merges the samples of one series that came from several backends (or several chunks of one
// backend) into one time-sorted run, keeping the first value seen for a timestamp, and clips
// it to the query range. Values are copied as 32-bit words so NaN payloads survive. Native
// histograms are merged the same way, on their own (a series may hold both kinds).

import type { NativeHistogram, SeriesRef, SeriesSamples } from '../model.js';

/**
 * The parts of one series as one: float samples and histograms each sorted by time, the earlier
 * part winning a timestamp both hold, everything outside [startMs, endMs] dropped. The result
 * has `histograms` only when some part had histograms in range.
 */
export function clipAndMerge(
  series: SeriesRef,
  parts: readonly SeriesSamples[],
  startMs: number,
  endMs: number,
): SeriesSamples {
  const floats = mergeFloats(series, parts, startMs, endMs);
  const histograms = mergeHistograms(parts, startMs, endMs);
  return histograms === undefined ? floats : { ...floats, histograms };
}

function mergeFloats(
  series: SeriesRef,
  parts: readonly SeriesSamples[],
  startMs: number,
  endMs: number,
): SeriesSamples {
  if (parts.length === 1 && isSortedWithin(parts[0]!.timestamps, startMs, endMs)) {
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

function isSortedWithin(ts: ArrayLike<number>, startMs: number, endMs: number): boolean {
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t < startMs || t > endMs) return false;
    if (i > 0 && t <= ts[i - 1]!) return false;
  }
  return true;
}

/** Histograms are objects holding their own bits, so they are shared, never copied. */
function mergeHistograms(
  parts: readonly SeriesSamples[],
  startMs: number,
  endMs: number,
): readonly NativeHistogram[] | undefined {
  const lists: (readonly NativeHistogram[])[] = [];
  for (const p of parts) if (p.histograms !== undefined && p.histograms.length > 0) lists.push(p.histograms);
  if (lists.length === 0) return undefined;
  if (lists.length === 1) {
    const only = lists[0]!;
    if (isSortedWithin(timesOf(only), startMs, endMs)) return only;
  }
  // Parts in order, then a stable sort by time: the first histogram seen for a timestamp wins.
  const inRange: NativeHistogram[] = [];
  for (const list of lists) {
    for (const h of list) if (h.timestampMs >= startMs && h.timestampMs <= endMs) inRange.push(h);
  }
  inRange.sort((a, b) => a.timestampMs - b.timestampMs);
  const out: NativeHistogram[] = [];
  for (const h of inRange) {
    if (out.length === 0 || out[out.length - 1]!.timestampMs !== h.timestampMs) out.push(h);
  }
  return out.length > 0 ? out : undefined;
}

function timesOf(list: readonly NativeHistogram[]): number[] {
  return list.map((h) => h.timestampMs);
}
