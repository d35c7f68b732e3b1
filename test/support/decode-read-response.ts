// An independent reader of SAMPLES ReadResponse bodies for tests: a few lines of protobuf
// walking that keep every value as its raw 64 bits (a JS number cannot carry NaN payloads),
// native histograms (TimeSeries field 4) included, every float64 field as its bits.

/** One prometheus.Histogram as read off the wire; the oneof members present say int or float. */
export interface ReadHistogram {
  t: number;
  countInt?: bigint;
  countFloatBits?: bigint;
  sumBits: bigint;
  schema: number;
  zeroThresholdBits: bigint;
  zeroCountInt?: bigint;
  zeroCountFloatBits?: bigint;
  /** [offset, length] */
  negativeSpans: Array<[number, number]>;
  negativeDeltas: bigint[];
  negativeCountsBits: bigint[];
  positiveSpans: Array<[number, number]>;
  positiveDeltas: bigint[];
  positiveCountsBits: bigint[];
  resetHint: number;
  customValuesBits: bigint[];
}

export interface ReadSeries {
  labels: Record<string, string>;
  samples: Array<{ t: number; bits: bigint }>;
  histograms: ReadHistogram[];
}

class Reader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly end = buf.length,
  ) {}
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
  }
  sub(): Reader {
    const len = Number(this.varint());
    const r = new Reader(this.buf, this.pos + len);
    r.pos = this.pos;
    this.pos += len;
    return r;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.sub();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`wire type ${wireType}`);
  }
  fields(visit: (field: number, wireType: number) => void): void {
    while (this.pos < this.end) {
      const key = Number(this.varint());
      visit(key >> 3, key & 7);
    }
  }
}

function int64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function zigzag(v: bigint): bigint {
  return (v >> 1n) ^ -(v & 1n);
}

function fixed64(r: Reader): bigint {
  const v = r.buf.readBigUInt64LE(r.pos);
  r.pos += 8;
  return v;
}

/** Repeated scalars, packed (wire type 2) or one per field. */
function repeated(r: Reader, wireType: number, one: (r: Reader) => bigint, into: bigint[]): void {
  if (wireType !== 2) {
    into.push(one(r));
    return;
  }
  const packed = r.sub();
  while (packed.pos < packed.end) into.push(one(packed));
}

function span(r: Reader): [number, number] {
  const m = r.sub();
  let offset = 0;
  let length = 0;
  m.fields((f, w) => {
    if (f === 1 && w === 0) offset = Number(BigInt.asIntN(32, zigzag(m.varint())));
    else if (f === 2 && w === 0) length = Number(BigInt.asUintN(32, m.varint()));
    else m.skip(w);
  });
  return [offset, length];
}

function histogram(h: Reader): ReadHistogram {
  const out: ReadHistogram = {
    t: 0,
    sumBits: 0n,
    schema: 0,
    zeroThresholdBits: 0n,
    negativeSpans: [],
    negativeDeltas: [],
    negativeCountsBits: [],
    positiveSpans: [],
    positiveDeltas: [],
    positiveCountsBits: [],
    resetHint: 0,
    customValuesBits: [],
  };
  const sint = (r: Reader): bigint => BigInt.asIntN(64, zigzag(r.varint()));
  h.fields((f, w) => {
    switch (f) {
      case 1:
        out.countInt = h.varint();
        delete out.countFloatBits;
        return;
      case 2:
        out.countFloatBits = fixed64(h);
        delete out.countInt;
        return;
      case 3:
        out.sumBits = fixed64(h);
        return;
      case 4:
        out.schema = Number(BigInt.asIntN(32, zigzag(h.varint())));
        return;
      case 5:
        out.zeroThresholdBits = fixed64(h);
        return;
      case 6:
        out.zeroCountInt = h.varint();
        delete out.zeroCountFloatBits;
        return;
      case 7:
        out.zeroCountFloatBits = fixed64(h);
        delete out.zeroCountInt;
        return;
      case 8:
        out.negativeSpans.push(span(h));
        return;
      case 9:
        return repeated(h, w, sint, out.negativeDeltas);
      case 10:
        return repeated(h, w, fixed64, out.negativeCountsBits);
      case 11:
        out.positiveSpans.push(span(h));
        return;
      case 12:
        return repeated(h, w, sint, out.positiveDeltas);
      case 13:
        return repeated(h, w, fixed64, out.positiveCountsBits);
      case 14:
        out.resetHint = int64(h.varint());
        return;
      case 15:
        out.t = int64(h.varint());
        return;
      case 16:
        return repeated(h, w, fixed64, out.customValuesBits);
      default:
        h.skip(w);
    }
  });
  return out;
}

/** Decodes an uncompressed ReadResponse into one array of series per query result. */
export function decodeReadResponse(body: Buffer): ReadSeries[][] {
  const results: ReadSeries[][] = [];
  const top = new Reader(body);
  top.fields((field, wireType) => {
    if (field !== 1 || wireType !== 2) return top.skip(wireType);
    const queryResult = top.sub();
    const series: ReadSeries[] = [];
    queryResult.fields((f2, w2) => {
      if (f2 !== 1 || w2 !== 2) return queryResult.skip(w2);
      const ts = queryResult.sub();
      const s: ReadSeries = { labels: {}, samples: [], histograms: [] };
      ts.fields((f3, w3) => {
        if (f3 === 1 && w3 === 2) {
          const l = ts.sub();
          let name = '';
          let value = '';
          l.fields((f4, w4) => {
            if (w4 !== 2) return l.skip(w4);
            const r = l.sub();
            const text = body.toString('utf8', r.pos, r.end);
            if (f4 === 1) name = text;
            else if (f4 === 2) value = text;
          });
          s.labels[name] = value;
        } else if (f3 === 2 && w3 === 2) {
          const sm = ts.sub();
          let t = 0;
          let bits = 0n;
          sm.fields((f4, w4) => {
            if (f4 === 1 && w4 === 1) {
              bits = body.readBigUInt64LE(sm.pos);
              sm.pos += 8;
            } else if (f4 === 2 && w4 === 0) t = int64(sm.varint());
            else sm.skip(w4);
          });
          s.samples.push({ t, bits });
        } else if (f3 === 4 && w3 === 2) s.histograms.push(histogram(ts.sub()));
        else ts.skip(w3);
      });
      series.push(s);
    });
    results.push(series);
  });
  return results;
}
