// Builds uncompressed remote-write 2.0 request bodies (io.prometheus.write.v2.Request) by hand,
// with exact value bits, for tests and benchmarks: from label sets (the symbols table is built
// the way Prometheus builds it: "" first, each string once, in order of first use), or raw, with
// refs and symbols exactly as given (for malformed tables). Proto3 defaults are omitted.

import { valueBits, type WriteBatch } from '../../src/model.js';
import { ProtoWriter, sampleBits, type TestLabel, type TestSample } from './encode-write.js';

export interface V2Sample extends TestSample {
  /** rc.4 Sample.start_timestamp (field 3); omitted when 0/undefined. */
  readonly startTimestampMs?: number;
}

export interface V2Exemplar {
  readonly labels?: readonly TestLabel[];
  readonly value?: number;
  readonly bits?: bigint;
  readonly timestampMs: number;
}

export interface V2Metadata {
  /** Metadata.MetricType wire value (0 unspecified … 7 stateset). */
  readonly type: number;
  readonly help?: string;
  readonly unit?: string;
}

/** One TimeSeries entry of a 2.0 request, by label strings. */
export interface V2Series {
  readonly labels: readonly TestLabel[];
  readonly samples?: readonly V2Sample[];
  /** Pre-encoded Histogram message bodies (see histogramBody). */
  readonly histograms?: readonly Buffer[];
  readonly exemplars?: readonly V2Exemplar[];
  readonly metadata?: V2Metadata;
  /** rc.3 TimeSeries.created_timestamp (field 6). */
  readonly createdTimestampMs?: number;
}

/** One TimeSeries entry by raw refs into a symbols table given separately. */
export interface RawV2Series {
  readonly labelsRefs: readonly number[];
  /** Write labels_refs unpacked (one varint field each) instead of packed. */
  readonly unpacked?: boolean;
  readonly samples?: readonly V2Sample[];
  readonly histograms?: readonly Buffer[];
  readonly exemplars?: readonly { labelsRefs: readonly number[]; bits?: bigint; timestampMs: number }[];
  readonly metadata?: { type: number; helpRef?: number; unitRef?: number };
  readonly createdTimestampMs?: number;
}

/** Interns strings into a symbols table whose first entry is "". */
export class Symbolizer {
  readonly symbols: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);

  ref(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.symbols.length;
      this.symbols.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  refs(labels: readonly TestLabel[]): number[] {
    const out: number[] = [];
    for (const l of labels) out.push(this.ref(l.name), this.ref(l.value));
    return out;
  }
}

function packed(values: readonly number[]): Buffer {
  const w = new ProtoWriter();
  for (const v of values) w.varint(v);
  return w.finish();
}

function writeV2Sample(w: ProtoWriter, s: V2Sample): void {
  w.message(2, (m) => {
    const bits = sampleBits(s);
    if (bits !== 0n) m.key(1, 1).fixed64(bits);
    if (s.timestampMs !== 0) m.key(2, 0).varint(BigInt(s.timestampMs));
    if ((s.startTimestampMs ?? 0) !== 0) m.key(3, 0).varint(BigInt(s.startTimestampMs!));
  });
}

/** One TimeSeries message body from raw refs. */
export function encodeRawV2Series(s: RawV2Series): Buffer {
  const w = new ProtoWriter();
  if (s.unpacked === true) for (const r of s.labelsRefs) w.key(1, 0).varint(r);
  else if (s.labelsRefs.length > 0) w.bytes(1, packed(s.labelsRefs));
  for (const x of s.samples ?? []) writeV2Sample(w, x);
  for (const h of s.histograms ?? []) w.bytes(3, h);
  for (const e of s.exemplars ?? []) {
    w.message(4, (m) => {
      if (e.labelsRefs.length > 0) m.bytes(1, packed(e.labelsRefs));
      if ((e.bits ?? 0n) !== 0n) m.key(2, 1).fixed64(e.bits!);
      if (e.timestampMs !== 0) m.key(3, 0).varint(BigInt(e.timestampMs));
    });
  }
  if (s.metadata !== undefined) {
    const md = s.metadata;
    w.message(5, (m) => {
      if (md.type !== 0) m.key(1, 0).varint(md.type);
      if ((md.helpRef ?? 0) !== 0) m.key(3, 0).varint(md.helpRef!);
      if ((md.unitRef ?? 0) !== 0) m.key(4, 0).varint(md.unitRef!);
    });
  }
  if ((s.createdTimestampMs ?? 0) !== 0) w.key(6, 0).varint(BigInt(s.createdTimestampMs!));
  return w.finish();
}

/** An uncompressed Request with exactly these symbols and entries (symbols first, as Prometheus). */
export function encodeRawV2Request(
  symbols: readonly (string | Uint8Array)[],
  series: readonly RawV2Series[],
): Buffer {
  const w = new ProtoWriter();
  // Every symbol is written, "" included (a repeated field has no default to omit); bytes as given.
  for (const s of symbols) {
    if (typeof s === 'string') w.string(4, s);
    else w.bytes(4, s);
  }
  for (const s of series) w.bytes(5, encodeRawV2Series(s));
  return w.finish();
}

/** An uncompressed Request from label sets; the symbols table is built here. */
export function encodeWriteV2Request(series: readonly V2Series[]): Buffer {
  const sym = new Symbolizer();
  const raw: RawV2Series[] = series.map((s) => ({
    labelsRefs: sym.refs(s.labels),
    samples: s.samples,
    histograms: s.histograms,
    exemplars: s.exemplars?.map((e) => ({
      labelsRefs: sym.refs(e.labels ?? []),
      bits: e.bits ?? (e.value !== undefined ? sampleBits({ timestampMs: 0, value: e.value }) : 0n),
      timestampMs: e.timestampMs,
    })),
    metadata:
      s.metadata === undefined
        ? undefined
        : {
            type: s.metadata.type,
            helpRef: sym.ref(s.metadata.help ?? ''),
            unitRef: sym.ref(s.metadata.unit ?? ''),
          },
    createdTimestampMs: s.createdTimestampMs,
  }));
  return encodeRawV2Request(sym.symbols, raw);
}

/** A small integer native histogram message body (count, sum, schema, one positive span). */
export function histogramBody(timestampMs: number, count = 3): Buffer {
  const w = new ProtoWriter();
  w.key(1, 0).varint(count); // count_int
  w.key(3, 1).fixed64(0x4024000000000000n); // sum = 10
  w.key(4, 0).varint(6); // schema 3, zigzag
  w.message(11, (m) => m.key(1, 0).varint(0).key(2, 0).varint(2)); // one span of 2 buckets
  w.bytes(12, packed([2, 0])); // deltas +1, 0 (zigzag)
  if (timestampMs !== 0) w.key(15, 0).varint(BigInt(timestampMs));
  return w.finish();
}

/**
 * A decoded batch as a 2.0 request the way Prometheus sends it: one sample per TimeSeries,
 * series after series, one symbols table for the request. Values keep their exact bits.
 */
export function encodeV2FromBatch(batch: WriteBatch): Buffer {
  const sym = new Symbolizer();
  const entries: RawV2Series[] = [];
  for (const s of batch.series) {
    const labelsRefs = sym.refs(s.series.labels);
    for (let i = 0; i < s.timestamps.length; i++) {
      entries.push({
        labelsRefs,
        samples: [{ timestampMs: s.timestamps[i]!, bits: valueBits(s.values, i) }],
      });
    }
  }
  return encodeRawV2Request(sym.symbols, entries);
}
