// The internal data model every stage shares (design.md §2).
//
// Values travel in Float64Array and are written there through a Uint32Array alias, never
// through a JS number, so NaN payloads (the stale marker 0x7ff0000000000002, Go's NaN
// 0x7ff8000000000001) keep their exact bits. Never copy values into a number[].

export interface Label {
  readonly name: string;
  readonly value: string;
}

/** Labels sorted by name in UTF-8 byte order, names unique and non-empty, values non-empty. */
export type Labels = readonly Label[];

/**
 * A series' identity. The decoder caches these across requests, so an adapter may hang its own
 * per-series encoding on one with a WeakMap held by the adapter instance.
 */
export interface SeriesRef {
  readonly labels: Labels;
  /** Canonical, unambiguous key of the label set (see seriesKey). */
  readonly key: string;
  /** Value of `__name__`, or "" when the series has none. */
  readonly metricName: string;
}

/** One series with its samples, sorted by timestamp when read back, in arrival order when written. */
export interface SeriesSamples {
  readonly series: SeriesRef;
  /** Milliseconds since the epoch; every entry is an integer within ±2^53. */
  readonly timestamps: Float64Array;
  /** Same length as timestamps; exact IEEE-754 bits. */
  readonly values: Float64Array;
  /**
   * Read only: the series' native histograms, sorted by timestamp. A series may hold float
   * samples, histograms or (when its type changed over time) both.
   */
  readonly histograms?: readonly NativeHistogram[];
}

/** MetricType enum of prompb, by wire value. */
export const METRIC_TYPE_NAMES = [
  'UNKNOWN',
  'COUNTER',
  'GAUGE',
  'HISTOGRAM',
  'GAUGEHISTOGRAM',
  'SUMMARY',
  'INFO',
  'STATESET',
] as const;

export interface MetricMetadata {
  /** prompb MetricType wire value (index into METRIC_TYPE_NAMES; unknown values kept as sent). */
  readonly type: number;
  readonly metricFamilyName: string;
  readonly help: string;
  readonly unit: string;
}

// ---- native histograms and exemplars --------------------------------------------------------
//
// Rare next to float samples, so they are plain objects. Every float64 field keeps its exact bits:
// scalars as bigint bit patterns (a stale histogram is marked by a NaN sum with the stale bits),
// lists in Float64Arrays. Integer counts are exact 64-bit bigints.

/** A run of consecutive buckets: the first span's offset is the starting bucket index, later offsets the gap. */
export interface BucketSpan {
  readonly offset: number;
  readonly length: number;
}

/** prompb Histogram.ResetHint wire values. */
export const RESET_HINT = { UNKNOWN: 0, YES: 1, NO: 2, GAUGE: 3 } as const;

interface HistogramCommon {
  /** Milliseconds since the epoch, within ±2^53. */
  readonly timestampMs: number;
  /** Created/start timestamp (remote write 2.0), 0 when unset. */
  readonly startTimestampMs: number;
  /** −4…8 exponential; −53 custom buckets (customValues are the upper bounds). */
  readonly schema: number;
  /** RESET_HINT value as sent (unknown values kept). */
  readonly resetHint: number;
  /** Bits of the float64 sum. */
  readonly sumBits: bigint;
  /** Bits of the float64 zero threshold. */
  readonly zeroThresholdBits: bigint;
  readonly negativeSpans: readonly BucketSpan[];
  readonly positiveSpans: readonly BucketSpan[];
  /** Upper bounds of custom buckets (schema −53); empty otherwise. */
  readonly customValues: Float64Array;
}

/** Integer counts: the `count_int` oneof member (or neither count set). */
export interface IntHistogram extends HistogramCommon {
  readonly kind: 'int';
  /** uint64 */
  readonly count: bigint;
  /** uint64 */
  readonly zeroCount: bigint;
  /** sint64 deltas across all spans of the side: the first is absolute, then the change. */
  readonly negativeDeltas: BigInt64Array;
  readonly positiveDeltas: BigInt64Array;
}

/** Float counts: the `count_float` oneof member. */
export interface FloatHistogram extends HistogramCommon {
  readonly kind: 'float';
  readonly countBits: bigint;
  readonly zeroCountBits: bigint;
  /** Absolute bucket counts across all spans of the side. */
  readonly negativeCounts: Float64Array;
  readonly positiveCounts: Float64Array;
}

export type NativeHistogram = IntHistogram | FloatHistogram;

/** One series' native histograms, in arrival order (written) or by timestamp (read). */
export interface SeriesHistograms {
  readonly series: SeriesRef;
  readonly histograms: readonly NativeHistogram[];
}

export interface Exemplar {
  /** As sent (may be empty); not the series' labels. */
  readonly labels: Labels;
  readonly timestampMs: number;
  /** Bits of the float64 value. */
  readonly valueBits: bigint;
}

export interface SeriesExemplars {
  readonly series: SeriesRef;
  readonly exemplars: readonly Exemplar[];
}

/** What one remote-write request carries, grouped by series. */
export interface WriteBatch {
  readonly series: readonly SeriesSamples[];
  /** Total samples over all series. */
  readonly sampleCount: number;
  readonly metadata: readonly MetricMetadata[];
  /** Native histograms by series; empty for an adapter without capabilities.histograms. */
  readonly histograms: readonly SeriesHistograms[];
  readonly histogramCount: number;
  /** Exemplars by series; empty for an adapter without capabilities.exemplars. */
  readonly exemplars: readonly SeriesExemplars[];
  readonly exemplarCount: number;
}

export type MatcherType = 'EQ' | 'NEQ' | 'RE' | 'NRE';

export interface Matcher {
  readonly type: MatcherType;
  readonly name: string;
  readonly value: string;
}

export interface ReadHints {
  readonly stepMs: number;
  readonly func: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly grouping: readonly string[];
  readonly by: boolean;
  readonly rangeMs: number;
}

/** One remote-read query: the series matching every matcher, samples in [startMs, endMs] inclusive. */
export interface ReadQuery {
  readonly startMs: number;
  readonly endMs: number;
  readonly matchers: readonly Matcher[];
  readonly hints?: ReadHints;
}

// ---- exact-bit helpers -------------------------------------------------------------------

/** Prometheus' staleness marker (model/value.StaleNaN). */
export const STALE_NAN_HI = 0x7ff00000;
export const STALE_NAN_LO = 0x00000002;

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** Low and high 32-bit words of values[index], read without passing through a JS number. */
export function valueWords(values: Float64Array, index: number): [lo: number, hi: number] {
  const words = new Uint32Array(values.buffer, values.byteOffset + index * 8, 2);
  return [words[0]!, words[1]!];
}

/** Writes a value from its two 32-bit words, preserving NaN payloads. */
export function setValueWords(values: Float64Array, index: number, lo: number, hi: number): void {
  const words = new Uint32Array(values.buffer, values.byteOffset + index * 8, 2);
  words[0] = lo;
  words[1] = hi;
}

/** The value's bits as an unsigned 64-bit bigint (for storage and tests). */
export function valueBits(values: Float64Array, index: number): bigint {
  const [lo, hi] = valueWords(values, index);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Sets values[index] to the double with exactly these bits. */
export function setValueBits(values: Float64Array, index: number, bits: bigint): void {
  setValueWords(values, index, Number(bits & 0xffffffffn), Number((bits >> 32n) & 0xffffffffn));
}

export function isStaleMarker(values: Float64Array, index: number): boolean {
  const [lo, hi] = valueWords(values, index);
  return hi === STALE_NAN_HI && lo === STALE_NAN_LO;
}

/** The double with exactly these bits, as a JS number (a NaN's payload is not guaranteed to survive). */
export function bitsToNumber(bits: bigint): number {
  scratchWords[0] = Number(bits & 0xffffffffn);
  scratchWords[1] = Number((bits >> 32n) & 0xffffffffn);
  return scratch[0]!;
}

export const STALE_NAN_BITS = 0x7ff0000000000002n;

/** Bits of an ordinary (non-NaN) number; NaNs have no defined bits once they are a JS number. */
export function numberBits(value: number): bigint {
  scratch[0] = value;
  return (BigInt(scratchWords[1]!) << 32n) | BigInt(scratchWords[0]!);
}

// ---- label sets ----------------------------------------------------------------------------

const utf8 = new TextEncoder();

/** Go's string order: compare UTF-8 bytes, not UTF-16 code units (protocols.md §1.3). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  // Fast path: when both are ASCII up to the first difference, code-unit order equals byte order.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca < 0x80 && cb < 0x80) return ca - cb;
    return Buffer.compare(utf8.encode(a.slice(i)), utf8.encode(b.slice(i)));
  }
  return a.length - b.length;
}

/**
 * Canonical key of a sorted label set: JSON of the flat name/value list. Unambiguous for any
 * string content, readable in logs, and identical for equal label sets.
 */
export function seriesKey(labels: Labels): string {
  const flat: string[] = [];
  for (const l of labels) flat.push(l.name, l.value);
  return JSON.stringify(flat);
}

export function metricNameOf(labels: Labels): string {
  for (const l of labels) if (l.name === '__name__') return l.value;
  return '';
}

/** Builds a SeriesRef from labels that are already sorted and validated. */
export function makeSeriesRef(labels: Labels): SeriesRef {
  return { labels, key: seriesKey(labels), metricName: metricNameOf(labels) };
}

/** Sorts labels by name (UTF-8 byte order); for building label sets in code and tests. */
export function sortLabels(labels: Iterable<Label>): Label[] {
  return [...labels].sort((x, y) => compareUtf8(x.name, y.name));
}

/** Go's labels.Compare: pair by pair, name then value; a prefix sorts first. */
export function compareLabelSets(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const byName = compareUtf8(a[i]!.name, b[i]!.name);
    if (byName !== 0) return byName;
    const byValue = compareUtf8(a[i]!.value, b[i]!.value);
    if (byValue !== 0) return byValue;
  }
  return a.length - b.length;
}

/** Largest and smallest timestamps a JS number holds exactly; outside is a 400. */
export const MAX_SAFE_TIMESTAMP_MS = Number.MAX_SAFE_INTEGER;
export const MIN_SAFE_TIMESTAMP_MS = Number.MIN_SAFE_INTEGER;

/** A WriteBatch from its parts, with the counts computed (for adapters' tests and the fan-out). */
export function makeWriteBatch(parts: {
  readonly series?: readonly SeriesSamples[];
  readonly metadata?: readonly MetricMetadata[];
  readonly histograms?: readonly SeriesHistograms[];
  readonly exemplars?: readonly SeriesExemplars[];
}): WriteBatch {
  const series = parts.series ?? [];
  const histograms = parts.histograms ?? [];
  const exemplars = parts.exemplars ?? [];
  return {
    series,
    sampleCount: series.reduce((n, s) => n + s.timestamps.length, 0),
    metadata: parts.metadata ?? [],
    histograms,
    histogramCount: histograms.reduce((n, s) => n + s.histograms.length, 0),
    exemplars,
    exemplarCount: exemplars.reduce((n, s) => n + s.exemplars.length, 0),
  };
}
