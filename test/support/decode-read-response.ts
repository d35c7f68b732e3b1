// An independent reader of SAMPLES ReadResponse bodies for tests: a few lines of protobuf
// walking that keep every value as its raw 64 bits (a JS number cannot carry NaN payloads),
// native histograms (TimeSeries field 4) included, every float64 field as its bits.

import { int64, PbReader, zigzag } from './pb-reader.js';

const fixed = (r: PbReader): bigint => r.fixed64();

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

/** Repeated scalars, packed (wire type 2) or one per field. */
function repeated(r: PbReader, wireType: number, one: (r: PbReader) => bigint, into: bigint[]): void {
  if (wireType !== 2) {
    into.push(one(r));
    return;
  }
  const packed = r.sub();
  while (packed.pos < packed.end) into.push(one(packed));
}

function span(r: PbReader): [number, number] {
  const m = r.sub();
  let offset = 0;
  let length = 0;
  m.each((f, w) => {
    if (f === 1 && w === 0) offset = Number(BigInt.asIntN(32, zigzag(m.varint())));
    else if (f === 2 && w === 0) length = Number(BigInt.asUintN(32, m.varint()));
    else m.skip(w);
  });
  return [offset, length];
}

function histogram(h: PbReader): ReadHistogram {
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
  const sint = (r: PbReader): bigint => BigInt.asIntN(64, zigzag(r.varint()));
  h.each((f, w) => {
    switch (f) {
      case 1:
        out.countInt = h.varint();
        delete out.countFloatBits;
        return;
      case 2:
        out.countFloatBits = h.fixed64();
        delete out.countInt;
        return;
      case 3:
        out.sumBits = h.fixed64();
        return;
      case 4:
        out.schema = Number(BigInt.asIntN(32, zigzag(h.varint())));
        return;
      case 5:
        out.zeroThresholdBits = h.fixed64();
        return;
      case 6:
        out.zeroCountInt = h.varint();
        delete out.zeroCountFloatBits;
        return;
      case 7:
        out.zeroCountFloatBits = h.fixed64();
        delete out.zeroCountInt;
        return;
      case 8:
        out.negativeSpans.push(span(h));
        return;
      case 9:
        return repeated(h, w, sint, out.negativeDeltas);
      case 10:
        return repeated(h, w, fixed, out.negativeCountsBits);
      case 11:
        out.positiveSpans.push(span(h));
        return;
      case 12:
        return repeated(h, w, sint, out.positiveDeltas);
      case 13:
        return repeated(h, w, fixed, out.positiveCountsBits);
      case 14:
        out.resetHint = int64(h.varint());
        return;
      case 15:
        out.t = int64(h.varint());
        return;
      case 16:
        return repeated(h, w, fixed, out.customValuesBits);
      default:
        h.skip(w);
    }
  });
  return out;
}

/** Decodes an uncompressed ReadResponse into one array of series per query result. */
export function decodeReadResponse(body: Buffer): ReadSeries[][] {
  const results: ReadSeries[][] = [];
  const top = new PbReader(body);
  top.each((field, wireType) => {
    if (field !== 1 || wireType !== 2) return top.skip(wireType);
    const queryResult = top.sub();
    const series: ReadSeries[] = [];
    queryResult.each((f2, w2) => {
      if (f2 !== 1 || w2 !== 2) return queryResult.skip(w2);
      const ts = queryResult.sub();
      const s: ReadSeries = { labels: {}, samples: [], histograms: [] };
      ts.each((f3, w3) => {
        if (f3 === 1 && w3 === 2) {
          const l = ts.sub();
          let name = '';
          let value = '';
          l.each((f4, w4) => {
            if (w4 !== 2) return l.skip(w4);
            const text = l.text();
            if (f4 === 1) name = text;
            else if (f4 === 2) value = text;
          });
          s.labels[name] = value;
        } else if (f3 === 2 && w3 === 2) {
          const sm = ts.sub();
          let t = 0;
          let bits = 0n;
          sm.each((f4, w4) => {
            if (f4 === 1 && w4 === 1) bits = sm.fixed64();
            else if (f4 === 2 && w4 === 0) t = int64(sm.varint());
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
