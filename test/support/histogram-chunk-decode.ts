// An independent reader of Prometheus histogram chunks (Chunk.Encoding HISTOGRAM = 2 and
// FLOAT_HISTOGRAM = 3) for tests, written from the format description, not from the encoder:
// one bit at a time with BigInt arithmetic, every float kept as its 64-bit pattern.
//
//   u16 count | flags byte (top 2 bits: 00 unknown, 01 not reset, 10 reset, 11 gauge)
//   zero threshold byte (0, 1..254 = 2^(b-244), 255 + 64 bits) | schema varbit-int
//   positive spans, negative spans: varbit-uint n, n × (varbit-uint length, varbit-int offset)
//   schema -53 only: varbit-uint n, n × custom bound (varbit-uint v: v-1 thousandths; 0: 64 bits)
//   first sample: t varbit-int; int: count, zero count varbit-uint; float: both 64 bits;
//     sum 64 bits; buckets (int: varbit-int deltas; float: 64 bits each)
//   later samples: t dod varbit-int; int: count dod, zero count dod (varbit-int), sum XOR,
//     bucket dods (varbit-int), no buckets when the sum is the stale NaN;
//     float: count, zero count, sum XOR, buckets XOR (own window each), none when stale.
// The varbit codes: 0 → 0; 10 +3 bits; 110 +6; 1110 +9; 11110 +12; 111110 +18; 1111110 +25;
// 11111110 +56; 11111111 +64. Signed payloads of n bits are taken as v − 2^n when v > 2^(n−1).

import type { BucketSpan, NativeHistogram } from '../../src/model.js';
import { BitReader } from './bits.js';

export const STALE_BITS = 0x7ff0000000000002n;

export const HEADER_NAMES = ['unknown', 'not_reset', 'reset', 'gauge'] as const;

export interface DecodedHistogramChunk {
  readonly header: (typeof HEADER_NAMES)[number];
  /** Samples in order; resetHint is the hint Prometheus' iterator reports for each. */
  readonly histograms: NativeHistogram[];
}

class Bits extends BitReader {
  constructor(data: Uint8Array) {
    super(data, 'histogram chunk');
  }

  private varbitWidth(): number {
    let ones = 0;
    while (ones < 8 && this.bit() === 1n) ones++;
    return [0, 3, 6, 9, 12, 18, 25, 56, 64][ones]!;
  }

  varbitUint(): bigint {
    const w = this.varbitWidth();
    return w === 0 ? 0n : this.read(w);
  }

  varbitInt(): bigint {
    const w = this.varbitWidth();
    if (w === 0) return 0n;
    const u = this.read(w);
    if (w === 64) return BigInt.asIntN(64, u);
    return u > 1n << BigInt(w - 1) ? u - (1n << BigInt(w)) : u;
  }
}

/** Gorilla XOR reader state for one float. */
class XorReader {
  leading = 0;
  trailing = 0;
  constructor(public value: bigint) {}

  next(r: Bits): bigint {
    if (r.bit() === 0n) return this.value;
    if (r.bit() === 1n) {
      this.leading = Number(r.read(5));
      let sig = Number(r.read(6));
      if (sig === 0) sig = 64;
      this.trailing = 64 - this.leading - sig;
    }
    const sig = 64 - this.leading - this.trailing;
    this.value ^= r.read(sig) << BigInt(this.trailing);
    return this.value;
  }
}

function spans(r: Bits): BucketSpan[] {
  const n = Number(r.varbitUint());
  const out: BucketSpan[] = [];
  for (let i = 0; i < n; i++) {
    const length = Number(r.varbitUint());
    const offset = Number(r.varbitInt());
    out.push({ offset, length });
  }
  return out;
}

function toF64(bits: bigint[]): Float64Array {
  const a = new Float64Array(bits.length);
  new BigUint64Array(a.buffer).set(bits);
  return a;
}

function f64Bits(v: number): bigint {
  return new BigUint64Array(new Float64Array([v]).buffer)[0]!;
}

/** Decodes one histogram chunk of the given Chunk.Encoding (2 or 3). */
export function decodeHistogramChunk(data: Uint8Array, encoding: number): DecodedHistogramChunk {
  if (encoding !== 2 && encoding !== 3) throw new Error(`not a histogram chunk encoding: ${encoding}`);
  const isFloat = encoding === 3;
  const r = new Bits(data);
  const count = Number(r.read(16));
  const headerBits = Number(r.read(2));
  r.read(6);
  const header = HEADER_NAMES[headerBits]!;
  const out: NativeHistogram[] = [];
  if (count === 0) return { header, histograms: out };

  // Layout.
  const zt = Number(r.read(8));
  const zeroThresholdBits = zt === 0 ? 0n : zt === 255 ? r.read(64) : BigInt(zt - 244 + 1023) << 52n;
  const schema = Number(r.varbitInt());
  const pSpans = spans(r);
  const nSpans = spans(r);
  const custom: bigint[] = [];
  if (schema === -53) {
    const n = Number(r.varbitUint());
    for (let i = 0; i < n; i++) {
      const v = r.varbitUint();
      custom.push(v === 0n ? r.read(64) : f64Bits(Number(v - 1n) / 1000));
    }
  }
  const nP = pSpans.reduce((n, s) => n + s.length, 0);
  const nN = nSpans.reduce((n, s) => n + s.length, 0);

  let t = 0n;
  let tDelta = 0n;
  // int state
  let cnt = 0n;
  let zCnt = 0n;
  let cntDelta = 0n;
  let zCntDelta = 0n;
  const buckets: bigint[] = new Array<bigint>(nP + nN).fill(0n);
  const bucketDeltas: bigint[] = new Array<bigint>(nP + nN).fill(0n);
  // float state
  let cntX = new XorReader(0n);
  let zCntX = new XorReader(0n);
  let sumX = new XorReader(0n);
  let bucketX: XorReader[] = [];

  for (let i = 0; i < count; i++) {
    if (i === 0) {
      t = r.varbitInt();
      if (isFloat) {
        cntX = new XorReader(r.read(64));
        zCntX = new XorReader(r.read(64));
        sumX = new XorReader(r.read(64));
        bucketX = [];
        for (let k = 0; k < nP + nN; k++) bucketX.push(new XorReader(r.read(64)));
      } else {
        cnt = r.varbitUint();
        zCnt = r.varbitUint();
        sumX = new XorReader(r.read(64));
        for (let k = 0; k < nP + nN; k++) buckets[k] = r.varbitInt();
      }
    } else {
      tDelta += r.varbitInt();
      t += tDelta;
      if (isFloat) {
        cntX.next(r);
        zCntX.next(r);
        sumX.next(r);
        if (sumX.value !== STALE_BITS) for (const b of bucketX) b.next(r);
      } else {
        cntDelta += r.varbitInt();
        cnt = BigInt.asUintN(64, cnt + cntDelta);
        zCntDelta += r.varbitInt();
        zCnt = BigInt.asUintN(64, zCnt + zCntDelta);
        sumX.next(r);
        if (sumX.value !== STALE_BITS) {
          for (let k = 0; k < nP + nN; k++) {
            bucketDeltas[k] = BigInt.asIntN(64, bucketDeltas[k]! + r.varbitInt());
            buckets[k] = BigInt.asIntN(64, buckets[k]! + bucketDeltas[k]!);
          }
        }
      }
    }
    const stale = sumX.value === STALE_BITS;
    const hint = header === 'gauge' ? 3 : i > 0 ? 2 : header === 'reset' ? 1 : 0;
    const common = {
      timestampMs: Number(t),
      startTimestampMs: 0,
      schema: stale ? 0 : schema,
      resetHint: stale ? 0 : hint,
      sumBits: sumX.value,
      zeroThresholdBits: stale ? 0n : zeroThresholdBits,
      negativeSpans: stale ? [] : nSpans,
      positiveSpans: stale ? [] : pSpans,
      customValues: toF64(stale ? [] : custom),
    };
    if (isFloat) {
      out.push({
        ...common,
        kind: 'float',
        countBits: stale ? 0n : cntX.value,
        zeroCountBits: stale ? 0n : zCntX.value,
        positiveCounts: toF64(stale ? [] : bucketX.slice(0, nP).map((b) => b.value)),
        negativeCounts: toF64(stale ? [] : bucketX.slice(nP).map((b) => b.value)),
      });
    } else {
      out.push({
        ...common,
        kind: 'int',
        count: stale ? 0n : cnt,
        zeroCount: stale ? 0n : zCnt,
        positiveDeltas: BigInt64Array.from(stale ? [] : buckets.slice(0, nP)),
        negativeDeltas: BigInt64Array.from(stale ? [] : buckets.slice(nP)),
      });
    }
  }
  // Go's bstream may leave one empty byte after a byte-aligned write of whole bytes.
  if (r.bitsLeft >= 16 || (r.bitsLeft >= 8 && data.at(-1) !== 0)) {
    throw new Error(`histogram chunk: ${r.bitsLeft} bits left after ${count} samples`);
  }
  return { header, histograms: out };
}

/** A comparable text form of a histogram (every float as hex bits). */
export function histogramKey(h: NativeHistogram): string {
  const hex = (b: bigint): string => b.toString(16);
  const f = (a: Float64Array): string =>
    [...new BigUint64Array(a.buffer, a.byteOffset, a.length)].map(hex).join(',');
  const sp = (s: readonly BucketSpan[]): string => s.map((x) => `${x.offset}:${x.length}`).join(',');
  const common =
    `${h.kind} t=${h.timestampMs} schema=${h.schema} sum=${hex(h.sumBits)} zt=${hex(h.zeroThresholdBits)} ` +
    `p=[${sp(h.positiveSpans)}] n=[${sp(h.negativeSpans)}] cv=[${f(h.customValues)}]`;
  if (h.kind === 'int') {
    return `${common} count=${h.count} zc=${h.zeroCount} pd=[${h.positiveDeltas.join(',')}] nd=[${h.negativeDeltas.join(',')}]`;
  }
  return `${common} count=${hex(h.countBits)} zc=${hex(h.zeroCountBits)} pc=[${f(h.positiveCounts)}] nc=[${f(h.negativeCounts)}]`;
}
