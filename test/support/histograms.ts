// Native-histogram builders shared by the histogram chunk tests: absolute bucket counts in, the
// model's IntHistogram / FloatHistogram out. No checks: tests may build inconsistent ones on purpose.

import { RESET_HINT, type BucketSpan, type FloatHistogram, type IntHistogram } from '../../src/model.js';
import { floats } from './bits.js';

/** Everything but the counts: schema, zero threshold bits, spans, custom bounds' bits. */
export interface HistogramLayout {
  readonly schema: number;
  readonly zt: bigint;
  readonly pos: readonly BucketSpan[];
  readonly neg: readonly BucketSpan[];
  readonly custom?: readonly bigint[];
}

/** Delta encoding of absolute integer bucket counts (the first is absolute). */
export function bucketDeltas(abs: readonly bigint[]): BigInt64Array {
  let prev = 0n;
  return BigInt64Array.from(
    abs.map((v) => {
      const d = v - prev;
      prev = v;
      return d;
    }),
  );
}

/** An integer histogram from absolute bucket counts; count = zero count + every bucket. */
export function intHistogram(
  t: number,
  l: HistogramLayout,
  zero: bigint,
  pos: readonly bigint[],
  neg: readonly bigint[],
  sum: bigint,
  hint: number = RESET_HINT.UNKNOWN,
): IntHistogram {
  return {
    kind: 'int',
    ...common(t, l, sum, hint),
    count: [...pos, ...neg].reduce((a, b) => a + b, zero),
    zeroCount: zero,
    positiveDeltas: bucketDeltas(pos),
    negativeDeltas: bucketDeltas(neg),
  };
}

/** A float histogram from the bit patterns of its count, zero count and absolute bucket counts. */
export function floatHistogram(
  t: number,
  l: HistogramLayout,
  count: bigint,
  zero: bigint,
  pos: readonly bigint[],
  neg: readonly bigint[],
  sum: bigint,
  hint: number = RESET_HINT.UNKNOWN,
): FloatHistogram {
  return {
    kind: 'float',
    ...common(t, l, sum, hint),
    countBits: count,
    zeroCountBits: zero,
    positiveCounts: floats(pos),
    negativeCounts: floats(neg),
  };
}

function common(t: number, l: HistogramLayout, sum: bigint, hint: number) {
  return {
    timestampMs: t,
    startTimestampMs: 0,
    schema: l.schema,
    resetHint: hint,
    sumBits: sum,
    zeroThresholdBits: l.zt,
    positiveSpans: l.pos,
    negativeSpans: l.neg,
    customValues: floats(l.custom ?? []),
  };
}
