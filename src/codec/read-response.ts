// Encodes the SAMPLES remote-read answer (prometheus.ReadResponse, protocols.md §4.2) by hand:
// protobufjs would carry each value through a JS number, and an engine may rewrite a NaN's
// payload there (stale markers must survive bit for bit). The caller compresses the result.
// Native histograms go in TimeSeries.histograms (field 4) with their timestamps, encoded by
// encodeHistogram, which keeps every float64 field's bits; clients before 2.44 skip them.

import type { Label, SeriesSamples } from '../model.js';
import { encodeHistogram } from './histogram-proto.js';
import { int64Size, ProtoWriter, varintSize, wireLabels } from './proto-writer.js';

function checkTimestamp(ts: number): void {
  if (!Number.isSafeInteger(ts))
    throw new Error(`read response: timestamp ${ts} is not an integer within ±2^53`);
}

interface Planned {
  readonly labels: readonly Label[];
  /** UTF-8 byte lengths: name0, value0, name1, value1, … */
  readonly labelBytes: number[];
  /** Encoded Histogram messages, in order. */
  readonly histograms: Buffer[];
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
  const histograms: Buffer[] = [];
  for (const h of s.histograms ?? []) {
    checkTimestamp(h.timestampMs);
    const msg = encodeHistogram(h, { timestamp: true });
    histograms.push(msg);
    size += 1 + varintSize(msg.length) + msg.length;
  }
  return { labels, labelBytes, histograms, size };
}

function writeSeries(out: ProtoWriter, s: SeriesSamples, p: Planned): void {
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
  for (const msg of p.histograms) {
    out.byte(0x22); // TimeSeries.histograms
    out.varint(msg.length);
    out.bytes(msg);
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
  const out = new ProtoWriter(Buffer.allocUnsafe(total));
  for (let r = 0; r < results.length; r++) {
    out.byte(0x0a); // ReadResponse.results
    out.varint(resultSizes[r]!);
    const series = results[r]!;
    for (let i = 0; i < series.length; i++) writeSeries(out, series[i]!, plans[r]![i]!);
  }
  if (out.pos !== total) throw new Error(`read response: wrote ${out.pos} bytes, planned ${total}`);
  return out.buf;
}
