// Prometheus' XOR chunk encoding (chunkenc EncXOR = 1), bit for bit (protocols.md §4.5), for
// STREAMED_XOR_CHUNKS remote-read answers. Values are read as two 32-bit words straight from
// the Float64Array, never through a JS number, so NaN payloads (stale markers) survive.

import { BitWriter, writeXor, XorWindow } from './bit-writer.js';

/** Chunk.Encoding wire value of an XOR chunk. */
export const XOR_ENCODING = 1 as const;

/** Chunk.Encoding wire values we write: XOR 1, HISTOGRAM 2, FLOAT_HISTOGRAM 3. */
export type ChunkEncoding = 1 | 2 | 3;

/** One encoded chunk of any kind, as a ChunkedSeries carries it. */
export interface EncodedChunk {
  /** Chunk.Encoding wire value. */
  readonly encoding: ChunkEncoding;
  /** First and last sample time of the chunk, inclusive (milliseconds). */
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
  /** The chunk bytes, Prometheus' layout. */
  readonly data: Uint8Array;
}

/** Prometheus' target samples per chunk; we never put more in one chunk. */
export const MAX_SAMPLES_PER_CHUNK = 120;

/** Prometheus (≥ 2.47) keeps a float chunk at about 1 KiB; ours never exceed this. */
export const MAX_CHUNK_BYTES = 1024;

// The most bits one sample can add: Δ1 as a 10-byte uvarint (80) or the 64-bit dod bucket (68),
// plus a value XOR block with a new window (1 + 1 + 5 + 6 + 64 = 77). Cutting before a sample
// that might not fit keeps every chunk within MAX_CHUNK_BYTES (+ 8 for bstream's empty last byte).
const MAX_SAMPLE_BITS = 80 + 77 + 8;

export interface XorChunk extends EncodedChunk {
  readonly encoding: typeof XOR_ENCODING;
}

/** An unsigned varint (Go binary.PutUvarint); only called at byte boundaries. */
function putUvarint(out: BitWriter, v: bigint): void {
  while (v >= 0x80n) {
    out.write(Number(v & 0x7fn) | 0x80, 8);
    v >>= 7n;
  }
  out.write(Number(v), 8);
}

/**
 * One chunk under construction. Holds the previous sample's time and value words, the previous
 * delta, and the XOR window (leading 0xff = "no window yet", as Prometheus marks it).
 */
class XorAppender {
  readonly out = new BitWriter(MAX_CHUNK_BYTES + 32); // the cut rule keeps within it: no ensure()
  count = 0;
  minT = 0;
  t1 = 0; // previous timestamp
  t2 = 0; // the one before
  hi = 0;
  lo = 0;
  readonly window = new XorWindow();

  reset(): void {
    this.out.reset(16); // room for the uint16 sample count
    this.count = 0;
    this.window.reset();
  }

  /** Whether one more sample at time t still fits this chunk. */
  accepts(t: number): boolean {
    if (this.count === 0) return true;
    return (
      this.count < MAX_SAMPLES_PER_CHUNK &&
      t > this.t1 &&
      (this.out.bits + MAX_SAMPLE_BITS + 7) >>> 3 <= MAX_CHUNK_BYTES
    );
  }

  append(t: number, lo: number, hi: number): void {
    const out = this.out;
    if (this.count === 0) {
      // t0 as a signed varint (zigzag), then the raw value.
      const t0 = BigInt(t);
      putUvarint(out, t0 < 0n ? (-t0 << 1n) - 1n : t0 << 1n);
      out.write64(hi, lo);
      this.minT = t;
    } else if (this.count === 1) {
      putUvarint(out, BigInt(t) - BigInt(this.t1));
      writeXor(out, this.window, (hi ^ this.hi) >>> 0, (lo ^ this.lo) >>> 0);
    } else {
      this.timeDelta(t);
      writeXor(out, this.window, (hi ^ this.hi) >>> 0, (lo ^ this.lo) >>> 0);
    }
    this.t2 = this.t1;
    this.t1 = t;
    this.lo = lo;
    this.hi = hi;
    this.count++;
  }

  // Delta of delta in Prometheus' millisecond buckets; the n-bit range is −(2ⁿ⁻¹−1) … +2ⁿ⁻¹
  // (protocols.md trap 22).
  private timeDelta(t: number): void {
    const out = this.out;
    const d = t - this.t1;
    const dPrev = this.t1 - this.t2;
    const dod = d - dPrev;
    // Every timestamp is a safe integer, but a difference of two may not be: then go exact.
    const exact = Number.isSafeInteger(d) && Number.isSafeInteger(dPrev);
    if (exact && dod === 0) out.write(0, 1);
    else if (exact && dod >= -8191 && dod <= 8192) {
      out.write(0b10, 2);
      out.write(dod, 14);
    } else if (exact && dod >= -65535 && dod <= 65536) {
      out.write(0b110, 3);
      out.write(dod, 17);
    } else if (exact && dod >= -524287 && dod <= 524288) {
      out.write(0b1110, 4);
      out.write(dod, 20);
    } else {
      const big = BigInt(t) - 2n * BigInt(this.t1) + BigInt(this.t2);
      const bits = BigInt.asUintN(64, big);
      out.write(0b1111, 4);
      out.write64(Number(bits >> 32n), Number(bits & 0xffffffffn));
    }
  }

  /** The finished chunk; the appender must be reset before reuse. */
  finish(): XorChunk {
    const out = this.out;
    out.buf[0] = this.count >>> 8;
    out.buf[1] = this.count & 0xff;
    return {
      encoding: XOR_ENCODING,
      minTimeMs: this.minT,
      maxTimeMs: this.t1,
      data: out.toBytes(),
    };
  }
}

/**
 * Encodes samples into XOR chunks in time order: a new chunk after MAX_SAMPLES_PER_CHUNK
 * samples, before one that could push it over MAX_CHUNK_BYTES, and before a timestamp that does
 * not increase (every chunk is strictly increasing; such chunks then overlap, which the format
 * allows). Timestamps must be integers within ±2^53. Yields one chunk at a time.
 */
export function* xorChunks(timestamps: Float64Array, values: Float64Array): Generator<XorChunk> {
  if (timestamps.length !== values.length) {
    throw new Error(`xor chunk: ${timestamps.length} timestamps but ${values.length} values`);
  }
  // A Float64Array's byteOffset is a multiple of 8, so this alias is always aligned.
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const app = new XorAppender();
  app.reset();
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (!Number.isSafeInteger(t)) throw new Error(`xor chunk: timestamp ${t} is not an integer within ±2^53`);
    if (!app.accepts(t)) {
      yield app.finish();
      app.reset();
    }
    app.append(t, words[2 * i]!, words[2 * i + 1]!);
  }
  if (app.count > 0) yield app.finish();
}
