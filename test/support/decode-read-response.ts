// An independent reader of SAMPLES ReadResponse bodies for tests: a few lines of protobuf
// walking that keep every value as its raw 64 bits (a JS number cannot carry NaN payloads).

export interface ReadSeries {
  labels: Record<string, string>;
  samples: Array<{ t: number; bits: bigint }>;
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
      const s: ReadSeries = { labels: {}, samples: [] };
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
        } else ts.skip(w3);
      });
      series.push(s);
    });
    results.push(series);
  });
  return results;
}
