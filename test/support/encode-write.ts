// Builds uncompressed remote-write 1.0 and remote-read request bodies by hand, with exact value
// bits (stale markers, NaN payloads), for tests and benchmarks. Proto3 defaults (value bits 0,
// timestamp 0, empty strings, enum 0) are omitted, as Prometheus' marshaller does.

export interface TestLabel {
  readonly name: string;
  readonly value: string;
}

export interface TestSample {
  readonly timestampMs: number;
  /** The value as a number; ignored when bits is given. */
  readonly value?: number;
  /** Exact IEEE-754 bits (e.g. 0x7ff0000000000002n for a stale marker). */
  readonly bits?: bigint;
}

/** One TimeSeries entry; Prometheus sends one sample per entry. */
export interface TestSeries {
  readonly labels: readonly TestLabel[];
  readonly samples: readonly TestSample[];
}

export interface TestMetadata {
  readonly type: number;
  readonly metricFamilyName: string;
  readonly help?: string;
  readonly unit?: string;
}

export interface TestMatcher {
  /** LabelMatcher.Type wire value: 0 EQ, 1 NEQ, 2 RE, 3 NRE. */
  readonly type: number;
  readonly name: string;
  readonly value: string;
}

export interface TestHints {
  readonly stepMs?: number;
  readonly func?: string;
  readonly startMs?: number;
  readonly endMs?: number;
  readonly grouping?: readonly string[];
  readonly by?: boolean;
  readonly rangeMs?: number;
}

export interface TestQuery {
  readonly startMs: number;
  readonly endMs: number;
  readonly matchers: readonly TestMatcher[];
  readonly hints?: TestHints;
}

const scratch = new DataView(new ArrayBuffer(8));

/** Bits of a number as V8 stores it in a Float64Array (NaN becomes some NaN). */
export function bitsOf(value: number): bigint {
  scratch.setFloat64(0, value, true);
  return scratch.getBigUint64(0, true);
}

/** A minimal protobuf writer; fields are written in the order called. */
export class ProtoWriter {
  private buf = Buffer.allocUnsafe(64);
  private len = 0;

  private reserve(n: number): this {
    if (this.len + n <= this.buf.length) return this;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  /** Unsigned varint of a non-negative integer, or any 64-bit pattern as a bigint. */
  varint(n: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(n));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  key(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  fixed64(bits: bigint): this {
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, bits), this.len);
    this.len += 8;
    return this;
  }

  /** A length-delimited field. */
  bytes(field: number, data: Uint8Array): this {
    return this.key(field, 2).varint(data.length).raw(data);
  }

  string(field: number, s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    this.key(field, 2).varint(n).reserve(n);
    this.len += this.buf.write(s, this.len, n, 'utf8');
    return this;
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.view());
  }

  /** The bytes so far, without copying (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  finish(): Buffer {
    return Buffer.from(this.view());
  }
}

export function sampleBits(s: TestSample): bigint {
  return s.bits ?? bitsOf(s.value ?? 0);
}

export function writeLabel(w: ProtoWriter, field: number, l: TestLabel): void {
  w.message(field, (m) => {
    if (l.name !== '') m.string(1, l.name);
    if (l.value !== '') m.string(2, l.value);
  });
}

export function writeSample(w: ProtoWriter, field: number, s: TestSample): void {
  w.message(field, (m) => {
    const bits = sampleBits(s);
    if (bits !== 0n) m.key(1, 1).fixed64(bits);
    if (s.timestampMs !== 0) m.key(2, 0).varint(BigInt(s.timestampMs));
  });
}

/** One TimeSeries message body (labels, then samples). */
export function encodeTimeSeries(series: TestSeries): Buffer {
  const w = new ProtoWriter();
  for (const l of series.labels) writeLabel(w, 1, l);
  for (const s of series.samples) writeSample(w, 2, s);
  return w.finish();
}

/** An uncompressed prometheus.WriteRequest. */
export function encodeWriteRequest(
  series: readonly TestSeries[],
  options: { metadata?: readonly TestMetadata[] } = {},
): Buffer {
  const w = new ProtoWriter();
  for (const s of series) w.bytes(1, encodeTimeSeries(s));
  for (const m of options.metadata ?? []) {
    w.message(3, (x) => {
      if (m.type !== 0) x.key(1, 0).varint(m.type);
      if (m.metricFamilyName !== '') x.string(2, m.metricFamilyName);
      if ((m.help ?? '') !== '') x.string(4, m.help!);
      if ((m.unit ?? '') !== '') x.string(5, m.unit!);
    });
  }
  return w.finish();
}

/** An uncompressed prometheus.ReadRequest; response types packed (as Prometheus sends) unless told. */
export function encodeReadRequest(
  queries: readonly TestQuery[],
  acceptedResponseTypes: readonly number[] = [],
  options: { packed?: boolean } = {},
): Buffer {
  const w = new ProtoWriter();
  for (const q of queries) {
    w.message(1, (x) => {
      if (q.startMs !== 0) x.key(1, 0).varint(BigInt(q.startMs));
      if (q.endMs !== 0) x.key(2, 0).varint(BigInt(q.endMs));
      for (const m of q.matchers) {
        x.message(3, (y) => {
          if (m.type !== 0) y.key(1, 0).varint(m.type);
          if (m.name !== '') y.string(2, m.name);
          if (m.value !== '') y.string(3, m.value);
        });
      }
      const h = q.hints;
      if (h !== undefined) {
        x.message(4, (y) => {
          if ((h.stepMs ?? 0) !== 0) y.key(1, 0).varint(BigInt(h.stepMs!));
          if ((h.func ?? '') !== '') y.string(2, h.func!);
          if ((h.startMs ?? 0) !== 0) y.key(3, 0).varint(BigInt(h.startMs!));
          if ((h.endMs ?? 0) !== 0) y.key(4, 0).varint(BigInt(h.endMs!));
          for (const g of h.grouping ?? []) y.string(5, g);
          if (h.by === true) y.key(6, 0).varint(1);
          if ((h.rangeMs ?? 0) !== 0) y.key(7, 0).varint(BigInt(h.rangeMs!));
        });
      }
    });
  }
  if (acceptedResponseTypes.length > 0) {
    if (options.packed === false) for (const t of acceptedResponseTypes) w.key(2, 0).varint(t);
    else {
      const packed = new ProtoWriter();
      for (const t of acceptedResponseTypes) packed.varint(t);
      w.bytes(2, packed.finish());
    }
  }
  return w.finish();
}
