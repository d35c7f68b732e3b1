// A tiny protobuf reader for the tests' independent decoders of our responses: every varint as a
// bigint and fixed64 values as their raw bits (a JS number cannot carry NaN payloads), bounded
// by the enclosing message so that a malformed answer fails loudly.

export class PbReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  varint(): bigint {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= this.end) throw new Error('protobuf: truncated varint');
      const b = this.buf[this.pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new Error('protobuf: truncated fixed64');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  /** The next length-delimited field as a reader of its own. */
  sub(): PbReader {
    const len = Number(this.varint());
    if (this.pos + len > this.end) throw new Error('protobuf: truncated field');
    const r = new PbReader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  text(): string {
    const r = this.sub();
    return this.buf.toString('utf8', r.pos, r.end);
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.sub();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`protobuf: wire type ${wireType}`);
  }

  /** Calls visit for every field key up to the end; visit must consume the field. */
  each(visit: (field: number, wireType: number) => void): void {
    while (this.pos < this.end) {
      const key = Number(this.varint());
      visit(key >> 3, key & 7);
    }
  }
}

/** An int64 varint as a number (exact within ±2^53). */
export const int64 = (v: bigint): number => Number(BigInt.asIntN(64, v));

export const zigzag = (v: bigint): bigint => (v >> 1n) ^ -(v & 1n);
