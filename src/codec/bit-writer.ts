// The bit stream under XOR and histogram chunks: Prometheus' bstream (tsdb/chunkenc/bstream.go),
// bit for bit, including the length of its last byte; and the Gorilla XOR block both chunk kinds
// write floats with (xorWrite in tsdb/chunkenc/xor.go).

/**
 * Bits written MSB-first into a zeroed buffer, as Prometheus' bstream writes them, with its quirk:
 * Go's writeBits of a multiple of 8 bits that starts on a byte boundary goes through writeByte,
 * which always appends the next (empty) byte, so a chunk whose last such call was its last write
 * ends with one zero byte more (an XOR chunk of one sample always does). `padded` tracks that:
 * each write / write64 / writeBig call here must be exactly one writeBits call there.
 *
 * Writes do not check the room left (the XOR chunk path is hot): a writer sized for its largest
 * chunk needs nothing more; one that is not calls ensure() with an upper bound before writing.
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
    this.padded = (this.bits & 7) === 0 && n >= 8 && (n & 7) === 0;
    this.put(v, n);
  }

  /** The low n bits (n ≤ 64, default 64) of the 64-bit word hi:lo, as one writeBits call. */
  write64(hi: number, lo: number, n = 64): void {
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

  /** Makes room for n more bits (and bstream's empty last byte). */
  ensure(n: number): void {
    const need = ((this.bits + n + 7) >>> 3) + 1;
    if (need <= this.buf.length) return;
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

/** The leading/trailing zero window of one float stream's XOR blocks (leading 0xff: none yet). */
export class XorWindow {
  leading = 0xff;
  trailing = 0;

  reset(): void {
    this.leading = 0xff;
    this.trailing = 0;
  }
}

/**
 * Prometheus' xorWrite (Gorilla): a float's bits XOR the previous float's, given as the high and
 * low 32-bit words, written as 0 (same value), 10 + the bits inside the window, or 11 + 5-bit
 * leading zeros + 6-bit length (64 written as 0) + the significant bits, which sets the window.
 */
export function writeXor(out: BitWriter, w: XorWindow, xhi: number, xlo: number): void {
  if (xhi === 0 && xlo === 0) {
    out.write(0, 1);
    return;
  }
  out.write(1, 1);
  let lead = xhi !== 0 ? Math.clz32(xhi) : 32 + Math.clz32(xlo);
  const trail = xlo !== 0 ? ctz32(xlo) : 32 + ctz32(xhi);
  // The 5-bit field holds at most 31.
  if (lead > 31) lead = 31;
  if (w.leading !== 0xff && lead >= w.leading && trail >= w.trailing) {
    out.write(0, 1);
    writeShifted(out, xhi, xlo, w.trailing, 64 - w.leading - w.trailing);
    return;
  }
  w.leading = lead;
  w.trailing = trail;
  const significant = 64 - lead - trail;
  out.write(1, 1);
  out.write(lead, 5);
  out.write(significant, 6); // 64 does not fit 6 bits and is written as 0
  writeShifted(out, xhi, xlo, trail, significant);
}

/** Trailing zeros of a 32-bit word that is not 0. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Writes the low n bits of (hi:lo) >>> shift, as one bstream writeBits call. */
function writeShifted(out: BitWriter, hi: number, lo: number, shift: number, n: number): void {
  let h: number;
  let l: number;
  if (shift === 0) {
    h = hi;
    l = lo;
  } else if (shift < 32) {
    h = hi >>> shift;
    l = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
  } else {
    h = 0;
    l = hi >>> (shift - 32);
  }
  out.write64(h, l, n);
}
