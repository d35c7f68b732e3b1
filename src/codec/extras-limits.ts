// Per-request caps on native histograms, their buckets and exemplars, checked by both decoders
// as each one is decoded. A histogram of a few bytes on the wire becomes an object of hundreds
// of bytes, and snappy squeezes a run of them into almost nothing, so without a cap a small body
// could take gigabytes (the decoded-size limit alone allows ~64 MiB of 2-byte histograms).

import { RequestError } from '../errors.js';
import type { NativeHistogram } from '../model.js';

export interface ExtrasLimitOptions {
  readonly maxHistograms?: number;
  readonly maxHistogramBuckets?: number;
  readonly maxExemplars?: number;
}

export interface ExtrasLimits {
  histogram(h: NativeHistogram): void;
  exemplar(): void;
}

function bucketsOf(h: NativeHistogram): number {
  return h.kind === 'int'
    ? h.positiveDeltas.length + h.negativeDeltas.length
    : h.positiveCounts.length + h.negativeCounts.length;
}

function tooMany(reason: string, what: string, limit: number, key: string): RequestError {
  return new RequestError(413, reason, `the request carries more than ${limit} ${what} (write.${key})`);
}

/** Fresh counters for one request. */
export function extrasLimits(options: ExtrasLimitOptions): ExtrasLimits {
  const maxHistograms = options.maxHistograms ?? Infinity;
  const maxBuckets = options.maxHistogramBuckets ?? Infinity;
  const maxExemplars = options.maxExemplars ?? Infinity;
  let histograms = 0;
  let buckets = 0;
  let exemplars = 0;
  return {
    histogram(h) {
      if (++histograms > maxHistograms) {
        throw tooMany(
          'too_many_histograms',
          'native histogram samples',
          maxHistograms,
          'max_histograms_per_request',
        );
      }
      buckets += bucketsOf(h);
      if (buckets > maxBuckets) {
        throw tooMany(
          'too_many_buckets',
          'native histogram buckets',
          maxBuckets,
          'max_histogram_buckets_per_request',
        );
      }
    },
    exemplar() {
      if (++exemplars > maxExemplars) {
        throw tooMany('too_many_exemplars', 'exemplars', maxExemplars, 'max_exemplars_per_request');
      }
    },
  };
}
