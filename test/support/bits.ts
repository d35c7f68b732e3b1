// Float64 bit patterns and a seeded PRNG shared by the chunk tests. Bit patterns are bigints so a
// NaN's payload survives; the stale marker is src/model.ts' STALE_NAN_BITS.

/** Go's math.NaN(). */
export const GO_NAN = 0x7ff8000000000001n;
export const POS_INF = 0x7ff0000000000000n;
export const NEG_INF = 0xfff0000000000000n;
export const NEG_ZERO = 0x8000000000000000n;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The 64-bit pattern of a number (not for NaNs, whose payload a JS number may not keep). */
export function bits(v: number): bigint {
  f64[0] = v;
  return u64[0]!;
}

/** A Float64Array holding exactly these bit patterns. */
export function floats(list: readonly bigint[]): Float64Array {
  const a = new Float64Array(list.length);
  new BigUint64Array(a.buffer).set(list);
  return a;
}

/** xorshift32 in [0, 1): small and seedable (a seed of 0 counts as 1); varies generated inputs. */
export function xorshift32(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Deterministic PRNG (mulberry32) in [0, 1), so a failure can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reads bits MSB-first, as Prometheus' bstream writes them (the test decoders of chunks). */
export class BitReader {
  protected pos = 0;
  /** `what` names the data in errors, e.g. "xor chunk". */
  constructor(
    private readonly data: Uint8Array,
    private readonly what: string,
  ) {}

  bit(): bigint {
    const byte = this.data[this.pos >>> 3];
    if (byte === undefined) throw new Error(`${this.what}: read past the end at bit ${this.pos}`);
    const b = (byte >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return BigInt(b);
  }

  read(n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 1n) | this.bit();
    return v;
  }

  get bitsLeft(): number {
    return this.data.length * 8 - this.pos;
  }
}
