// Groups one request's native histograms and exemplars by series, in order of first appearance,
// for both remote-write decoders. They are rare beside float samples, so a Map keyed by the
// series' cached SeriesRef (one object per label set) is cheap enough.

import type { Exemplar, NativeHistogram, SeriesRef, WriteBatch } from '../model.js';

export type ExtrasParts = Pick<WriteBatch, 'histograms' | 'histogramCount' | 'exemplars' | 'exemplarCount'>;

export interface ExtrasCollector {
  /** Adds a series' histograms; returns how many. */
  histograms(series: SeriesRef, list: readonly NativeHistogram[]): number;
  /** Adds a series' exemplars; returns how many. */
  exemplars(series: SeriesRef, list: readonly Exemplar[]): number;
  batchParts(histogramCount: number, exemplarCount: number): ExtrasParts;
}

export function createExtrasCollector(): ExtrasCollector {
  let histograms: Map<SeriesRef, NativeHistogram[]> | undefined;
  let exemplars: Map<SeriesRef, Exemplar[]> | undefined;
  const add = <T>(map: Map<SeriesRef, T[]>, series: SeriesRef, list: readonly T[]): number => {
    const known = map.get(series);
    // A loop, not push(...list): a spread of ~100 k arguments overflows the stack.
    if (known) for (const item of list) known.push(item);
    else map.set(series, list.slice());
    return list.length;
  };
  return {
    histograms: (series, list) => add((histograms ??= new Map()), series, list),
    exemplars: (series, list) => add((exemplars ??= new Map()), series, list),
    batchParts: (histogramCount, exemplarCount) => ({
      histograms: histograms ? [...histograms].map(([series, h]) => ({ series, histograms: h })) : [],
      histogramCount,
      exemplars: exemplars ? [...exemplars].map(([series, e]) => ({ series, exemplars: e })) : [],
      exemplarCount,
    }),
  };
}
