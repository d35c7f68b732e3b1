// Rows of native histograms and exemplars: INSERT statements (idempotent, first write wins like
// samples) and the per-row parameter texts. Exactness never depends on the float8 columns: a
// histogram's exact form is `encoded` (the protobuf message without its timestamps), an
// exemplar's value keeps a NaN's payload in value_bits as samples do.

import { createHash } from 'node:crypto';
import { bitsToNumber, encodeHistogram, type Exemplar, type NativeHistogram } from '../../src/adapter.js';
import { float8Text, isNaNWords, nanBitsText, plainArray, textArray } from './sql-text.js';

/** Rows per histogram INSERT, and the encoded bytes after which a chunk is sent early. */
export const HISTOGRAMS_PER_STATEMENT = 2_000;
export const HISTOGRAM_BYTES_PER_STATEMENT = 4 << 20;
/** Rows per exemplar INSERT. */
export const EXEMPLARS_PER_STATEMENT = 5_000;

export function insertHistogramsStatement(s: string): string {
  return `INSERT INTO ${s}.histograms
      (series_id, ts, start_ts, is_float, schema, reset_hint, count, sum, is_stale, encoded)
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::boolean[], $5::integer[],
      $6::integer[], $7::float8[], $8::float8[], $9::boolean[], $10::bytea[]) ORDER BY 1, 2
    ON CONFLICT (series_id, ts) DO NOTHING`;
}

export function insertExemplarsStatement(s: string): string {
  return `INSERT INTO ${s}.exemplars (series_id, ts, dedup, value, value_bits, labels)
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::float8[], $5::bigint[], $6::jsonb[])
    ORDER BY 1, 2, 3
    ON CONFLICT (series_id, ts, dedup) DO NOTHING`;
}

const STALE_NAN_BITS_LO = 0x00000002;
const STALE_NAN_BITS_HI = 0x7ff00000;

/** float8 input text and (for a NaN) the bits column text of a float64 given by its bits. */
export function bitsTexts(bits: bigint): { value: string; nanBits: string; stale: boolean } {
  const lo = Number(bits & 0xffffffffn);
  const hi = Number((bits >> 32n) & 0xffffffffn);
  if (isNaNWords(lo, hi)) {
    return {
      value: 'NaN',
      nanBits: nanBitsText(lo, hi),
      stale: lo === STALE_NAN_BITS_LO && hi === STALE_NAN_BITS_HI,
    };
  }
  return { value: float8Text(bitsToNumber(bits), lo, hi), nanBits: 'NULL', stale: false };
}

export class HistogramChunk {
  ids: string[] = [];
  ts: string[] = [];
  start: string[] = [];
  isFloat: string[] = [];
  schema: string[] = [];
  resetHint: string[] = [];
  count: string[] = [];
  sum: string[] = [];
  stale: string[] = [];
  encoded: string[] = [];
  bytes = 0;

  get length(): number {
    return this.ids.length;
  }

  get full(): boolean {
    return this.length >= HISTOGRAMS_PER_STATEMENT || this.bytes >= HISTOGRAM_BYTES_PER_STATEMENT;
  }

  push(seriesId: string, h: NativeHistogram): void {
    const sum = bitsTexts(h.sumBits);
    const encoded = encodeHistogram(h, { timestamp: false, startTimestamp: false });
    this.ids.push(seriesId);
    this.ts.push(String(h.timestampMs));
    this.start.push(h.startTimestampMs === 0 ? 'NULL' : String(h.startTimestampMs));
    this.isFloat.push(h.kind === 'float' ? 't' : 'f');
    this.schema.push(String(h.schema));
    this.resetHint.push(String(h.resetHint));
    // Integer counts above 2^53 are rounded in this SQL-only column; `encoded` keeps them exact.
    this.count.push(h.kind === 'int' ? String(Number(h.count)) : bitsTexts(h.countBits).value);
    this.sum.push(sum.value);
    this.stale.push(sum.stale ? 't' : 'f');
    this.encoded.push(`"\\\\x${encoded.toString('hex')}"`);
    this.bytes += encoded.length;
  }

  params(): string[] {
    return [
      plainArray(this.ids),
      plainArray(this.ts),
      plainArray(this.start),
      plainArray(this.isFloat),
      plainArray(this.schema),
      plainArray(this.resetHint),
      plainArray(this.count),
      plainArray(this.sum),
      plainArray(this.stale),
      // Elements are already quoted `"\\x…"` (see byteaHexArray).
      plainArray(this.encoded),
    ];
  }
}

/** The exemplar's labels as stored: a JSON array of [name, value] pairs, in the order sent. */
export function exemplarLabelsJson(e: Exemplar): string {
  return JSON.stringify(e.labels.map((l) => [l.name, l.value]));
}

export class ExemplarChunk {
  ids: string[] = [];
  ts: string[] = [];
  dedup: string[] = [];
  values: string[] = [];
  bits: string[] = [];
  labels: string[] = [];

  get length(): number {
    return this.ids.length;
  }

  get full(): boolean {
    return this.length >= EXEMPLARS_PER_STATEMENT;
  }

  push(seriesId: string, e: Exemplar): void {
    const labels = exemplarLabelsJson(e);
    const bits = BigInt.asUintN(64, e.valueBits);
    const value = bitsTexts(bits);
    // Identical exemplars (labels as sent, value bits) at one ms of one series are one row.
    const dedup = createHash('sha256')
      .update(`${bits.toString(16)} ${labels}`)
      .digest('hex');
    this.ids.push(seriesId);
    this.ts.push(String(e.timestampMs));
    this.dedup.push(`"\\\\x${dedup}"`);
    this.values.push(value.value);
    this.bits.push(value.nanBits);
    this.labels.push(labels);
  }

  params(): string[] {
    return [
      plainArray(this.ids),
      plainArray(this.ts),
      plainArray(this.dedup),
      plainArray(this.values),
      plainArray(this.bits),
      textArray(this.labels),
    ];
  }
}
