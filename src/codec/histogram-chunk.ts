// Prometheus' native-histogram chunks (chunkenc EncHistogram = 2 for integer histograms,
// EncFloatHistogram = 3 for float ones), bit for bit, for STREAMED_XOR_CHUNKS answers.
//
// Layout (all bits MSB-first, as bstream writes them):
//   bytes 0-1  sample count, uint16 big-endian
//   byte 2     flags: the top two bits are the counter-reset header
//              (00 unknown, 01 not a reset, 10 reset, 11 gauge histogram chunk)
//   layout     zero threshold (1 byte: 0 = zero, 1…254 = 2^(b−243−1), 255 = then 64 raw bits),
//              schema (varbit int), positive spans, negative spans (each: varbit uint count, then
//              per span varbit uint length and varbit int offset), and for schema −53 the custom
//              bounds (varbit uint count, then per bound either varbit uint 1000·b+1 or a 0 bit and
//              64 raw bits)
//   sample 0   t (varbit int); int: count, zero count (varbit uint); float: count, zero count
//              (64 raw bits each); sum (64 raw bits); every positive then negative bucket
//              (int: the delta-encoded value as varbit int; float: 64 raw bits)
//   sample n   t dod (varbit int); int: count dod, zero count dod (varbit int), sum (XOR block),
//              every bucket's dod (varbit int); float: count, zero count, sum and every bucket
//              as XOR blocks, each with its own leading/trailing window
// A stale histogram (sum = the stale NaN) is written with no layout (when first) and no buckets:
// Prometheus replaces it by a histogram holding only the sum; an integer one writes 0 as its
// count and zero-count dods.
//
// Cutting follows Prometheus' appenders (tsdb/chunkenc histogram.go, float_histogram.go): a new
// chunk on a change of kind (int ↔ float), of gauge ↔ counter, of schema, zero threshold or
// custom bounds, on a counter reset (explicit hint, or a count, zero count or bucket going down
// or a used bucket disappearing), for the first non-stale histogram after a stale one, when the
// timestamp does not increase, and after 120 histograms. One deliberate difference: where the
// bucket spans change without a reset, Prometheus recodes the open chunk to a superset layout;
// we cut a new chunk instead (header "not a reset"). Both are valid; a client decodes each chunk
// on its own. The header of a new chunk is chosen as Prometheus 2.42 chooses it (checked against
// it: test/e2e/histogram-chunk-oracle.test.ts); newer versions differ in corners ("not a reset"
// rather than "unknown" after a gauge chunk); "unknown" is always safe: the reader then checks for
// a reset itself.
//
// Float64 fields are kept as exact 64-bit patterns (bigints, or the words of a Float64Array),
// never passed through a JS number where a NaN payload could matter.

import { CUSTOM_BUCKETS_SCHEMA } from './histogram-proto.js';
import {
  RESET_HINT,
  STALE_NAN_BITS,
  type BucketSpan,
  type FloatHistogram,
  type IntHistogram,
  type NativeHistogram,
} from '../model.js';
import { BitWriter, writeXor, XorWindow } from './bit-writer.js';
import { MAX_SAMPLES_PER_CHUNK, type EncodedChunk } from './xor-chunk.js';

/** Chunk.Encoding wire value of an integer histogram chunk. */
export const HISTOGRAM_ENCODING = 2;
/** Chunk.Encoding wire value of a float histogram chunk. */
export const FLOAT_HISTOGRAM_ENCODING = 3;

/** The counter-reset header: the top two bits of byte 2. */
export const COUNTER_RESET_HEADER = {
  UNKNOWN: 0b00000000,
  NOT_RESET: 0b01000000,
  RESET: 0b10000000,
  GAUGE: 0b11000000,
} as const;

/** The custom-buckets schema: the buckets' upper bounds travel in customValues. */
export { CUSTOM_BUCKETS_SCHEMA };

export interface HistogramChunk extends EncodedChunk {
  readonly encoding: typeof HISTOGRAM_ENCODING | typeof FLOAT_HISTOGRAM_ENCODING;
}

const MASK64 = (1n << 64n) - 1n;
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function numberOf(bits: bigint): number {
  u64[0] = bits;
  return f64[0]!;
}

/** Bit patterns of a Float64Array (a byte-exact view, so NaN payloads survive). */
function bitsOf(values: Float64Array): BigUint64Array {
  return new BigUint64Array(values.buffer, values.byteOffset, values.length);
}

// The varbit buckets (prefix of n ones then a zero, except the last): payload widths.
const VARBIT_WIDTHS = [3, 6, 9, 12, 18, 25, 56] as const;

/**
 * putVarbitInt / putVarbitUint: 0 as a single 0 bit, else the first bucket that holds v (signed:
 * −(2^(w−1)−1) ≤ v ≤ 2^(w−1); unsigned: v < 2^w), else eight ones and 64 bits.
 */
function putVarbit(b: BitWriter, v: bigint, signed: boolean): void {
  if (v === 0n) {
    b.write(0, 1);
    return;
  }
  for (let i = 0; i < VARBIT_WIDTHS.length; i++) {
    const w = VARBIT_WIDTHS[i]!;
    const half = 1n << BigInt(w - 1);
    if (signed ? v >= -(half - 1n) && v <= half : v < half << 1n) {
      // i+1 ones then a zero.
      b.write(((1 << (i + 2)) - 2) >>> 0, i + 2);
      b.writeBig(v, w);
      return;
    }
  }
  b.write(0xff, 8);
  b.writeBig(v, 64);
}

function putVarbitInt(b: BitWriter, v: bigint): void {
  putVarbit(b, v, true);
}

function putVarbitUint(b: BitWriter, v: bigint): void {
  putVarbit(b, v, false);
}

/** The zero threshold: one byte for 0 or a power of two in [2^−243, 2^10], else 255 and 64 bits. */
function putZeroThreshold(b: BitWriter, bits: bigint): void {
  if ((bits & ~(1n << 63n)) === 0n) {
    b.write(0, 8); // ±0 (Go compares threshold == 0)
    return;
  }
  const sign = bits >> 63n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const mantissa = bits & ((1n << 52n) - 1n);
  // Frexp gives 0.5 × 2^e for a positive normal power of two, e = biased exponent − 1022.
  const e = exponent - 1022;
  if (sign === 0n && mantissa === 0n && exponent !== 0 && exponent !== 0x7ff && e >= -242 && e <= 11) {
    b.write(e + 243, 8);
    return;
  }
  b.write(255, 8);
  b.writeBig(bits, 64);
}

function putSpans(b: BitWriter, spans: readonly BucketSpan[]): void {
  putVarbitUint(b, BigInt(spans.length));
  for (const s of spans) {
    putVarbitUint(b, BigInt(s.length >>> 0));
    putVarbitInt(b, BigInt(s.offset | 0));
  }
}

/** A custom bound: varbit uint 1000·f+1 when that is exact and ≤ 33554431, else a 0 bit and 64 bits. */
function putCustomBound(b: BitWriter, bits: bigint): void {
  const f = numberOf(bits);
  const tf = f * 1000;
  // Reached only for 0 ≤ tf ≤ 33554430, where Math.round agrees with Go's math.Round.
  if (tf < 0 || tf > 33554430 || Number.isNaN(tf) || Math.round(tf) / 1000 !== f) {
    b.write(0, 1);
    b.writeBig(bits, 64);
    return;
  }
  putVarbitUint(b, BigInt(Math.round(tf)) + 1n);
}

function writeLayout(b: BitWriter, h: NativeHistogram): void {
  putZeroThreshold(b, h.zeroThresholdBits);
  putVarbitInt(b, BigInt(h.schema));
  putSpans(b, h.positiveSpans);
  putSpans(b, h.negativeSpans);
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
    putVarbitUint(b, BigInt(h.customValues.length));
    for (const bits of bitsOf(h.customValues)) putCustomBound(b, bits);
  }
}

/** The layout and time of a chunk's first histogram, int or float. */
function writeFirstLayout(b: BitWriter, h: NativeHistogram, stale: boolean): void {
  if (stale) {
    // Prometheus keeps only the sum: an empty layout (schema 0, threshold 0, no spans).
    b.write(0, 8);
    putVarbitInt(b, 0n);
    putSpans(b, []);
    putSpans(b, []);
  } else writeLayout(b, h);
  putVarbitInt(b, BigInt(h.timestampMs));
}

/** Gorilla XOR of one float against its previous bits, with its own window. */
class XorValue {
  readonly window = new XorWindow();
  constructor(public bits: bigint) {}

  write(b: BitWriter, bits: bigint): void {
    const x = (bits ^ this.bits) & MASK64;
    this.bits = bits;
    writeXor(b, this.window, Number(x >> 32n), Number(x & 0xffffffffn));
  }
}

function sameSpans(a: readonly BucketSpan[], b: readonly BucketSpan[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.offset !== b[i]!.offset || a[i]!.length !== b[i]!.length) return false;
  }
  return true;
}

function bucketCount(spans: readonly BucketSpan[]): number {
  let n = 0;
  for (const s of spans) n += s.length;
  return n;
}

/** Absolute bucket index of each bucket, in order (Prometheus' bucketIterator). */
function bucketIndices(spans: readonly BucketSpan[]): number[] {
  const out: number[] = [];
  let idx = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    idx += s.offset;
    for (let k = 0; k < s.length; k++) out.push(idx + k);
    idx += s.length;
  }
  return out;
}

/** A kind's bucket arithmetic for the reset check. */
interface BucketArithmetic<H extends NativeHistogram, T> {
  /** Absolute counts of one side's buckets, in order. */
  counts(h: H, negative: boolean): readonly T[];
  /** a > b in the kind's arithmetic. */
  gt(a: T, b: T): boolean;
  /** a == 0 in the kind's arithmetic. */
  isZero(a: T): boolean;
}

const INT_BUCKETS: BucketArithmetic<IntHistogram, bigint> = {
  counts: (h, negative) => absoluteInt(negative ? h.negativeDeltas : h.positiveDeltas),
  gt: (a, b) => a > b,
  isZero: (a) => a === 0n,
};

const FLOAT_BUCKETS: BucketArithmetic<FloatHistogram, number> = {
  counts: (h, negative) => Array.from(negative ? h.negativeCounts : h.positiveCounts),
  gt: (a, b) => a > b,
  isZero: (a) => a === 0,
};

/**
 * Prometheus' bucket reset check between the previous and the next histogram, positive side then
 * negative: a bucket present in both went down, or a bucket of the previous one with a count other
 * than 0 is gone.
 */
function bucketsReset<H extends NativeHistogram, T>(
  prev: H,
  next: H,
  arith: BucketArithmetic<H, T>,
): boolean {
  return sideReset(prev, next, false, arith) || sideReset(prev, next, true, arith);
}

function sideReset<H extends NativeHistogram, T>(
  prev: H,
  next: H,
  negative: boolean,
  arith: BucketArithmetic<H, T>,
): boolean {
  const a = bucketIndices(negative ? prev.negativeSpans : prev.positiveSpans);
  const b = bucketIndices(negative ? next.negativeSpans : next.positiveSpans);
  const prevCounts = arith.counts(prev, negative);
  const nextCounts = arith.counts(next, negative);
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    while (j < b.length && b[j]! < a[i]!) j++;
    if (j < b.length && b[j] === a[i]) {
      if (arith.gt(prevCounts[i]!, nextCounts[j]!)) return true;
    } else if (!arith.isZero(prevCounts[i]!)) return true;
  }
  return false;
}

function sameCustomValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; // float compare, as Go
  return true;
}

/** Absolute counts from the delta-encoded integer buckets (int64 arithmetic). */
function absoluteInt(deltas: BigInt64Array): bigint[] {
  const out: bigint[] = [];
  let v = 0n;
  for (const d of deltas) {
    v = BigInt.asIntN(64, v + d);
    out.push(v);
  }
  return out;
}

function isStale(h: NativeHistogram): boolean {
  return h.sumBits === STALE_NAN_BITS;
}

function checkShape(h: NativeHistogram): void {
  if (!Number.isSafeInteger(h.timestampMs)) {
    throw new Error(`histogram chunk: timestamp ${h.timestampMs} is not an integer within ±2^53`);
  }
  if (isStale(h)) return;
  const [pos, neg] =
    h.kind === 'int' ? [h.positiveDeltas, h.negativeDeltas] : [h.positiveCounts, h.negativeCounts];
  if (bucketCount(h.positiveSpans) !== pos.length || bucketCount(h.negativeSpans) !== neg.length) {
    throw new Error(
      `histogram chunk: spans hold ${bucketCount(h.positiveSpans)}/${bucketCount(h.negativeSpans)} ` +
        `buckets but the histogram at ${h.timestampMs} has ${pos.length}/${neg.length}`,
    );
  }
}

// The most bits one field takes: an XOR block with a new window (2 + 5 + 6 + 64) or a varbit
// with 64 payload bits (8 + 64), a raw float (64), a zero threshold (8 + 64), a custom bound.
const MAX_FIELD_BITS = 77;

/** An upper bound on the bits a histogram adds to a chunk (with the layout when it is the first). */
function maxHistogramBits(h: NativeHistogram, first: boolean): number {
  // Time, count, zero count, sum, every bucket.
  let fields = 4 + bucketCount(h.positiveSpans) + bucketCount(h.negativeSpans);
  // Zero threshold, schema, span counts, two per span, bound count, bounds.
  if (first) fields += 5 + 2 * (h.positiveSpans.length + h.negativeSpans.length) + h.customValues.length;
  return fields * MAX_FIELD_BITS;
}

/** Outcome of offering a histogram to an open chunk. */
interface Verdict {
  readonly ok: boolean;
  /** The header a chunk started with this histogram gets (counter chunks). */
  readonly header: number;
}

/** What int and float appenders share: the layout, time and the cut rules. */
abstract class Appender<H extends NativeHistogram> {
  readonly out = new BitWriter(256, 24); // after the 3 header bytes
  count = 0;
  header: number = COUNTER_RESET_HEADER.UNKNOWN;
  minT = 0;
  t = 0n;
  tDelta = 0n;
  lastT = 0;
  lastStale = false;
  first!: H; // the histogram that set the layout
  last!: H; // the last non-stale histogram appended

  get gauge(): boolean {
    return this.header === COUNTER_RESET_HEADER.GAUGE;
  }

  /** Prometheus' appendable / appendableGauge, plus our own cut on a span change. */
  verdict(h: H): Verdict {
    const NOT = COUNTER_RESET_HEADER.NOT_RESET;
    const RESET = COUNTER_RESET_HEADER.RESET;
    const UNKNOWN = COUNTER_RESET_HEADER.UNKNOWN;
    if (h.timestampMs <= this.lastT) return { ok: false, header: UNKNOWN };
    if (h.resetHint === RESET_HINT.GAUGE) {
      if (!this.gauge) return { ok: false, header: COUNTER_RESET_HEADER.GAUGE };
      if (isStale(h)) return { ok: true, header: COUNTER_RESET_HEADER.GAUGE };
      const ok = !this.lastStale && this.sameLayout(h);
      return { ok, header: COUNTER_RESET_HEADER.GAUGE };
    }
    // A counter histogram after a gauge chunk: Prometheus 2.42 writes "unknown" (newer
    // versions "not a reset" for integer histograms; clients read both the same).
    if (this.gauge) return { ok: false, header: UNKNOWN };
    if (h.resetHint === RESET_HINT.YES) return { ok: false, header: RESET };
    if (isStale(h)) return { ok: true, header: NOT };
    if (this.lastStale) return { ok: false, header: UNKNOWN };
    if (this.countDecreased(h)) return { ok: false, header: RESET };
    if (h.schema !== this.first.schema || !this.sameThreshold(h)) {
      return { ok: false, header: UNKNOWN };
    }
    if (h.schema === CUSTOM_BUCKETS_SCHEMA && !sameCustomValues(h.customValues, this.first.customValues)) {
      return { ok: false, header: RESET };
    }
    if (this.zeroCountDecreased(h) || this.bucketsReset(h)) return { ok: false, header: RESET };
    const spansKept =
      sameSpans(h.positiveSpans, this.first.positiveSpans) &&
      sameSpans(h.negativeSpans, this.first.negativeSpans);
    return { ok: spansKept, header: NOT };
  }

  protected abstract countDecreased(h: H): boolean;
  protected abstract zeroCountDecreased(h: H): boolean;
  protected abstract bucketsReset(h: H): boolean;
  /** The first histogram after its layout and time: counts, sum, buckets. */
  protected abstract writeFirst(h: H, stale: boolean): void;
  protected abstract writeNext(h: H, stale: boolean): void;

  private sameThreshold(h: H): boolean {
    return numberOf(h.zeroThresholdBits) === numberOf(this.first.zeroThresholdBits);
  }

  private sameLayout(h: H): boolean {
    return (
      h.schema === this.first.schema &&
      this.sameThreshold(h) &&
      (h.schema !== CUSTOM_BUCKETS_SCHEMA || sameCustomValues(h.customValues, this.first.customValues)) &&
      sameSpans(h.positiveSpans, this.first.positiveSpans) &&
      sameSpans(h.negativeSpans, this.first.negativeSpans)
    );
  }

  append(h: H): void {
    const stale = isStale(h);
    const t = BigInt(h.timestampMs);
    this.out.ensure(maxHistogramBits(h, this.count === 0));
    if (this.count === 0) {
      this.first = h;
      this.minT = h.timestampMs;
      writeFirstLayout(this.out, h, stale);
      this.writeFirst(h, stale);
      this.tDelta = 0n;
    } else {
      const tDelta = t - this.t;
      putVarbitInt(this.out, BigInt.asIntN(64, tDelta - this.tDelta));
      this.tDelta = tDelta;
      this.writeNext(h, stale);
    }
    this.t = t;
    this.lastT = h.timestampMs;
    this.lastStale = stale;
    if (!stale) this.last = h;
    this.count++;
  }

  finish(encoding: HistogramChunk['encoding']): HistogramChunk {
    return {
      encoding,
      minTimeMs: this.minT,
      maxTimeMs: this.lastT,
      data: this.chunkBytes(),
    };
  }

  private chunkBytes(): Uint8Array {
    const data = this.out.toBytes();
    data[0] = this.count >>> 8;
    data[1] = this.count & 0xff;
    data[2] = this.header;
    return data;
  }
}

class IntAppender extends Appender<IntHistogram> {
  cnt = 0n; // uint64
  zCnt = 0n;
  cntDelta = 0n; // int64
  zCntDelta = 0n;
  pBuckets: bigint[] = [];
  nBuckets: bigint[] = [];
  pBucketsDelta: bigint[] = [];
  nBucketsDelta: bigint[] = [];
  sum = new XorValue(0n);

  // Go compares the uint64 counts.
  protected countDecreased(h: IntHistogram): boolean {
    return (h.count & MASK64) < this.cnt;
  }

  protected zeroCountDecreased(h: IntHistogram): boolean {
    return (h.zeroCount & MASK64) < this.zCnt;
  }

  protected bucketsReset(h: IntHistogram): boolean {
    return bucketsReset(this.last, h, INT_BUCKETS);
  }

  protected writeFirst(h: IntHistogram, stale: boolean): void {
    const b = this.out;
    const cnt = stale ? 0n : h.count & MASK64;
    const zCnt = stale ? 0n : h.zeroCount & MASK64;
    putVarbitUint(b, cnt);
    putVarbitUint(b, zCnt);
    b.writeBig(h.sumBits, 64);
    this.sum = new XorValue(h.sumBits & MASK64);
    this.pBuckets = stale ? [] : Array.from(h.positiveDeltas);
    this.nBuckets = stale ? [] : Array.from(h.negativeDeltas);
    for (const v of this.pBuckets) putVarbitInt(b, v);
    for (const v of this.nBuckets) putVarbitInt(b, v);
    this.pBucketsDelta = this.pBuckets.map(() => 0n);
    this.nBucketsDelta = this.nBuckets.map(() => 0n);
    this.cnt = cnt;
    this.zCnt = zCnt;
    this.cntDelta = 0n;
    this.zCntDelta = 0n;
  }

  protected writeNext(h: IntHistogram, stale: boolean): void {
    const b = this.out;
    const cnt = stale ? 0n : h.count & MASK64;
    const zCnt = stale ? 0n : h.zeroCount & MASK64;
    const cntDelta = BigInt.asIntN(64, cnt - this.cnt);
    const zCntDelta = BigInt.asIntN(64, zCnt - this.zCnt);
    // A stale histogram writes 0 dods but still moves the appender's deltas (as Prometheus does).
    putVarbitInt(b, stale ? 0n : BigInt.asIntN(64, cntDelta - this.cntDelta));
    putVarbitInt(b, stale ? 0n : BigInt.asIntN(64, zCntDelta - this.zCntDelta));
    this.sum.write(b, h.sumBits & MASK64);
    if (!stale) {
      writeBucketDods(b, h.positiveDeltas, this.pBuckets, this.pBucketsDelta);
      writeBucketDods(b, h.negativeDeltas, this.nBuckets, this.nBucketsDelta);
    }
    this.cnt = cnt;
    this.zCnt = zCnt;
    this.cntDelta = cntDelta;
    this.zCntDelta = zCntDelta;
  }
}

function writeBucketDods(b: BitWriter, values: BigInt64Array, prev: bigint[], prevDelta: bigint[]): void {
  for (let i = 0; i < values.length; i++) {
    const delta = BigInt.asIntN(64, values[i]! - prev[i]!);
    putVarbitInt(b, BigInt.asIntN(64, delta - prevDelta[i]!));
    prevDelta[i] = delta;
    prev[i] = values[i]!;
  }
}

class FloatAppender extends Appender<FloatHistogram> {
  cnt = new XorValue(0n);
  zCnt = new XorValue(0n);
  sum = new XorValue(0n);
  pBuckets: XorValue[] = [];
  nBuckets: XorValue[] = [];

  protected countDecreased(h: FloatHistogram): boolean {
    return numberOf(h.countBits) < numberOf(this.cnt.bits);
  }

  protected zeroCountDecreased(h: FloatHistogram): boolean {
    return numberOf(h.zeroCountBits) < numberOf(this.zCnt.bits);
  }

  protected bucketsReset(h: FloatHistogram): boolean {
    return bucketsReset(this.last, h, FLOAT_BUCKETS);
  }

  protected writeFirst(h: FloatHistogram, stale: boolean): void {
    const b = this.out;
    const cnt = stale ? 0n : h.countBits & MASK64;
    const zCnt = stale ? 0n : h.zeroCountBits & MASK64;
    const sum = h.sumBits & MASK64;
    b.writeBig(cnt, 64);
    b.writeBig(zCnt, 64);
    b.writeBig(sum, 64);
    this.cnt = new XorValue(cnt);
    this.zCnt = new XorValue(zCnt);
    this.sum = new XorValue(sum);
    this.pBuckets = [];
    this.nBuckets = [];
    if (stale) return;
    for (const bits of bitsOf(h.positiveCounts)) {
      b.writeBig(bits, 64);
      this.pBuckets.push(new XorValue(bits));
    }
    for (const bits of bitsOf(h.negativeCounts)) {
      b.writeBig(bits, 64);
      this.nBuckets.push(new XorValue(bits));
    }
  }

  protected writeNext(h: FloatHistogram, stale: boolean): void {
    const b = this.out;
    this.cnt.write(b, stale ? 0n : h.countBits & MASK64);
    this.zCnt.write(b, stale ? 0n : h.zeroCountBits & MASK64);
    this.sum.write(b, h.sumBits & MASK64);
    if (stale) return;
    const pos = bitsOf(h.positiveCounts);
    for (let i = 0; i < pos.length; i++) this.pBuckets[i]!.write(b, pos[i]!);
    const neg = bitsOf(h.negativeCounts);
    for (let i = 0; i < neg.length; i++) this.nBuckets[i]!.write(b, neg[i]!);
  }
}

type AnyAppender = IntAppender | FloatAppender;

function finishChunk(app: AnyAppender): HistogramChunk {
  return app instanceof IntAppender ? app.finish(HISTOGRAM_ENCODING) : app.finish(FLOAT_HISTOGRAM_ENCODING);
}

/**
 * Encodes one series' native histograms, sorted by time, into histogram chunks in time order
 * (integer ones as HISTOGRAM, float ones as FLOAT_HISTOGRAM). Yields one chunk at a time.
 */
export function* histogramChunks(histograms: readonly NativeHistogram[]): Generator<HistogramChunk> {
  let app: AnyAppender | undefined;
  for (const h of histograms) {
    checkShape(h);
    const sameKind = app !== undefined && (h.kind === 'int') === app instanceof IntAppender;
    if (app !== undefined && sameKind) {
      const v = (app as Appender<NativeHistogram>).verdict(h);
      const full = app.count >= MAX_SAMPLES_PER_CHUNK;
      if (v.ok && !full) {
        (app as Appender<NativeHistogram>).append(h);
        continue;
      }
      // Not appendable, or full: either way the new chunk's header is the verdict's, as in
      // Prometheus 2.42, which asks the open chunk's appender before cutting at 120.
      yield finishChunk(app);
      app = start(h, v.header);
      continue;
    }
    // The series' first chunk, or a change of kind: nothing to compare with.
    if (app !== undefined) yield finishChunk(app);
    app = start(h, firstHeader(h));
  }
  if (app !== undefined) yield finishChunk(app);
}

/** Header of a chunk with no chunk of the same kind before it: from the hint alone. */
function firstHeader(h: NativeHistogram): number {
  if (h.resetHint === RESET_HINT.GAUGE) return COUNTER_RESET_HEADER.GAUGE;
  if (h.resetHint === RESET_HINT.YES) return COUNTER_RESET_HEADER.RESET;
  return COUNTER_RESET_HEADER.UNKNOWN;
}

function start(h: NativeHistogram, header: number): AnyAppender {
  const app = h.kind === 'int' ? new IntAppender() : new FloatAppender();
  app.header = header;
  (app as Appender<NativeHistogram>).append(h);
  return app;
}
