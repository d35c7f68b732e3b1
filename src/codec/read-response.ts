// Encodes the SAMPLES remote-read answer (prometheus.ReadResponse, protocols.md §4.2) by hand:
// protobufjs would carry each value through a JS number, and an engine may rewrite a NaN's
// payload there (stale markers must survive bit for bit). The caller compresses the result.

import { compareUtf8, sortLabels, type Label, type Labels, type SeriesSamples } from '../model.js';

const TWO_32 = 4294967296;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

// int64 as protobuf varint: a negative value is its 64-bit two's complement (10 bytes).
function int64Size(n: number): number {
  return n < 0 ? 10 : varintSize(n);
}

function checkTimestamp(ts: number): void {
  if (!Number.isSafeInteger(ts))
    throw new Error(`read response: timestamp ${ts} is not an integer within ±2^53`);
}

// Labels as sent: sorted by UTF-8 bytes; an empty value means "absent", so it is not written.
function wireLabels(labels: Labels): readonly Label[] {
  let sorted = true;
  let empty = false;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]!.value === '') empty = true;
    if (i > 0 && compareUtf8(labels[i - 1]!.name, labels[i]!.name) > 0) sorted = false;
  }
  const out = sorted ? labels : sortLabels(labels);
  return empty ? out.filter((l) => l.value !== '') : out;
}

class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  varint(n: number): void {
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  int64(n: number): void {
    let hi = Math.floor(n / TWO_32);
    let lo = n - hi * TWO_32;
    hi >>>= 0;
    while (hi !== 0 || lo >= 128) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo;
  }

  uint32le(n: number): void {
    const buf = this.buf;
    buf[this.pos] = n;
    buf[this.pos + 1] = n >>> 8;
    buf[this.pos + 2] = n >>> 16;
    buf[this.pos + 3] = n >>> 24;
    this.pos += 4;
  }

  string(s: string, bytes: number): void {
    this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
  }
}

interface Planned {
  readonly labels: readonly Label[];
  /** UTF-8 byte lengths: name0, value0, name1, value1, … */
  readonly labelBytes: number[];
  readonly size: number;
}

function sampleSize(ts: number, lo: number, hi: number): number {
  return ((lo | hi) !== 0 ? 9 : 0) + (ts !== 0 ? 1 + int64Size(ts) : 0);
}

function words(values: Float64Array): Uint32Array {
  // A Float64Array's byteOffset is a multiple of 8, so this alias is always aligned.
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

function plan(s: SeriesSamples): Planned {
  if (s.values.length !== s.timestamps.length) {
    throw new Error(
      `read response: series ${s.series.key} has ${s.timestamps.length} timestamps and ${s.values.length} values`,
    );
  }
  const labels = wireLabels(s.series.labels);
  const labelBytes: number[] = [];
  let size = 0;
  for (const l of labels) {
    const nb = Buffer.byteLength(l.name, 'utf8');
    const vb = Buffer.byteLength(l.value, 'utf8');
    labelBytes.push(nb, vb);
    const msg = (nb > 0 ? 1 + varintSize(nb) + nb : 0) + 1 + varintSize(vb) + vb;
    size += 1 + varintSize(msg) + msg;
  }
  const w = words(s.values);
  for (let i = 0; i < s.timestamps.length; i++) {
    const ts = s.timestamps[i]!;
    checkTimestamp(ts);
    const msg = sampleSize(ts, w[2 * i]!, w[2 * i + 1]!);
    size += 1 + varintSize(msg) + msg;
  }
  return { labels, labelBytes, size };
}

function writeSeries(out: Writer, s: SeriesSamples, p: Planned): void {
  out.byte(0x0a); // QueryResult.timeseries
  out.varint(p.size);
  for (let j = 0; j < p.labels.length; j++) {
    const l = p.labels[j]!;
    const nb = p.labelBytes[2 * j]!;
    const vb = p.labelBytes[2 * j + 1]!;
    out.byte(0x0a); // TimeSeries.labels
    out.varint((nb > 0 ? 1 + varintSize(nb) + nb : 0) + 1 + varintSize(vb) + vb);
    if (nb > 0) {
      out.byte(0x0a); // Label.name
      out.varint(nb);
      out.string(l.name, nb);
    }
    out.byte(0x12); // Label.value
    out.varint(vb);
    out.string(l.value, vb);
  }
  const w = words(s.values);
  for (let i = 0; i < s.timestamps.length; i++) {
    const ts = s.timestamps[i]!;
    const lo = w[2 * i]!;
    const hi = w[2 * i + 1]!;
    out.byte(0x12); // TimeSeries.samples
    out.varint(sampleSize(ts, lo, hi));
    // Proto3 omits defaults; -0 (only the sign bit set) is not all-zero bits, so it is kept.
    if ((lo | hi) !== 0) {
      out.byte(0x09); // Sample.value, 8 bytes little-endian, copied word by word
      out.uint32le(lo);
      out.uint32le(hi);
    }
    if (ts !== 0) {
      out.byte(0x10); // Sample.timestamp
      out.int64(ts);
    }
  }
}

/**
 * One QueryResult per query, in query order (the client rejects a count mismatch), even when a
 * query matched nothing. Series are written in the order given.
 */
export function encodeReadResponse(results: readonly (readonly SeriesSamples[])[]): Buffer {
  const plans: Planned[][] = [];
  const resultSizes: number[] = [];
  let total = 0;
  for (const series of results) {
    const planned = series.map(plan);
    let size = 0;
    for (const p of planned) size += 1 + varintSize(p.size) + p.size;
    plans.push(planned);
    resultSizes.push(size);
    total += 1 + varintSize(size) + size;
  }
  const out = new Writer(Buffer.allocUnsafe(total));
  for (let r = 0; r < results.length; r++) {
    out.byte(0x0a); // ReadResponse.results
    out.varint(resultSizes[r]!);
    const series = results[r]!;
    for (let i = 0; i < series.length; i++) writeSeries(out, series[i]!, plans[r]![i]!);
  }
  if (out.pos !== total) throw new Error(`read response: wrote ${out.pos} bytes, planned ${total}`);
  return out.buf;
}
