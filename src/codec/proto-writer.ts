// Hand-written protobuf output for the read responses (SAMPLES and streamed chunks): sizes are
// planned first, then written into one exact buffer. Values are written as raw 32-bit words by
// the callers, never through a JS number, so NaN payloads survive.

import { compareUtf8, sortLabels, type Label, type Labels } from '../model.js';

const TWO_32 = 4294967296;

export function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** int64 as a protobuf varint: a negative value is its 64-bit two's complement (10 bytes). */
export function int64Size(n: number): number {
  return n < 0 ? 10 : varintSize(n);
}

/** Labels as sent: sorted by UTF-8 bytes; an empty value means "absent", so it is left out. */
export function wireLabels(labels: Labels): readonly Label[] {
  let sorted = true;
  let empty = false;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]!.value === '') empty = true;
    if (i > 0 && compareUtf8(labels[i - 1]!.name, labels[i]!.name) > 0) sorted = false;
  }
  const out = sorted ? labels : sortLabels(labels);
  return empty ? out.filter((l) => l.value !== '') : out;
}

export class ProtoWriter {
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

  /** A safe integer as int64 (two's complement for negatives), without BigInt. */
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

  /** A string whose UTF-8 length the caller has planned. */
  string(s: string, bytes: number): void {
    this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
  }

  bytes(data: Uint8Array): void {
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }
}
