// The bit stream under XOR and histogram chunks: Prometheus' bstream (tsdb/chunkenc/bstream.go),
// bit for bit, including the length of its last byte.

/**
 * Bits written MSB-first into a zeroed buffer, as Prometheus' bstream writes them, with its quirk:
 * Go's writeBits of a multiple of 8 bits that starts on a byte boundary goes through writeByte,
 * which always appends the next (empty) byte, so a chunk whose last such call was its last write
 * ends with one zero byte more (an XOR chunk of one sample always does). `padded` tracks that:
 * each write / write64 / writeBig call here must be exactly one writeBits call there.
 *
 * The buffer grows when needed; a writer sized for its largest chunk never reallocates.
 */
export class BitWriter {
  buf: Uint8Array;
  bits: number;
  padded = false;

  /** `capacity` in bytes; `startBits` left zero for a header the owner fills in at the end. */
  constructor(capacity: number, startBits = 0) {
    this.buf = new Uint8Array(capacity);
    this.bits = startBits;
  }

  /** Empties the stream for reuse, keeping `startBits` zero bits. */
  reset(startBits = 0): void {
    this.buf.fill(0);
    this.bits = startBits;
    this.padded = false;
  }

  /** Length of the stream in bytes, bstream's empty last byte included. */
  get bytes(): number {
    return ((this.bits + 7) >>> 3) + (this.padded ? 1 : 0);
  }

  /** A copy of the stream's bytes. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.bytes);
  }

  /** The low n bits of v (n ≤ 32; v is taken as its 32-bit two's complement). */
  write(v: number, n: number): void {
    this.room(n);
    this.padded = (this.bits & 7) === 0 && n >= 8 && (n & 7) === 0;
    this.put(v, n);
  }

  /** The low n bits (n ≤ 64, default 64) of the 64-bit word hi:lo, as one writeBits call. */
  write64(hi: number, lo: number, n = 64): void {
    this.room(n);
    this.padded = (this.bits & 7) === 0 && n >= 8 && (n & 7) === 0;
    if (n > 32) {
      this.put(hi, n - 32);
      this.put(lo, 32);
    } else this.put(lo, n);
  }

  /** The low n bits of v (n ≤ 64), as one writeBits call. */
  writeBig(v: bigint, n: number): void {
    const x = BigInt.asUintN(64, v);
    this.write64(Number(x >> 32n), Number(x & 0xffffffffn), n);
  }

  private room(n: number): void {
    // + 1 byte for bstream's empty last byte.
    const need = ((this.bits + n + 7) >>> 3) + 1;
    if (need > this.buf.length) this.grow(need);
  }

  private grow(need: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, need));
    next.set(this.buf);
    this.buf = next;
  }

  private put(v: number, n: number): void {
    while (n > 0) {
      const free = 8 - (this.bits & 7);
      const take = free < n ? free : n;
      const piece = (v >>> (n - take)) & ((1 << take) - 1);
      this.buf[this.bits >>> 3]! |= piece << (free - take);
      n -= take;
      this.bits += take;
    }
  }
}
