// The XOR chunk encoder against Prometheus' own bytes (protocols.md §4.5 test vector, captured
// from Prometheus 2.42) and against an independent decoder (test/support/xor-decode.ts) over
// random series: NaN payloads, ±Inf, -0, huge value jumps, irregular and huge time gaps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CHUNK_BYTES, MAX_SAMPLES_PER_CHUNK, xorChunks } from '../../src/codec/xor-chunk.js';
import { setValueBits, STALE_NAN_BITS } from '../../src/model.js';
import { bits, GO_NAN, NEG_INF, NEG_ZERO, POS_INF, rng } from '../support/bits.js';
import { decodeXorChunk, type DecodedSample } from '../support/xor-decode.js';

const VECTOR_HEX =
  '000ac0e1adf2c1683ff00000000000009875309bffd20fa3703a890c5effec00000000000713882071f90f22001d67f0c35067e79fc8791000eb3be0000000000155cc1800fff80000000000015808a0000000000000';

function series(samples: readonly DecodedSample[]): { timestamps: Float64Array; values: Float64Array } {
  const timestamps = new Float64Array(samples.length);
  const values = new Float64Array(samples.length);
  samples.forEach((s, i) => {
    timestamps[i] = s.t;
    setValueBits(values, i, s.bits);
  });
  return { timestamps, values };
}

function vectorSamples(): DecodedSample[] {
  const deltas = [15000, 15000, 15000, 16000, 10000, 30000, 130000, 830000, 830000];
  const values = [
    bits(1),
    bits(1),
    bits(2.5),
    bits(2.5),
    bits(2.75),
    STALE_NAN_BITS,
    bits(1e300),
    GO_NAN,
    NEG_ZERO,
    bits(42),
  ];
  let t = 1795550460000;
  return values.map((b, i) => {
    if (i > 0) t += deltas[i - 1]!;
    return { t, bits: b };
  });
}

function encodeAll(samples: readonly DecodedSample[]) {
  const s = series(samples);
  return [...xorChunks(s.timestamps, s.values)];
}

test('reproduces the verified 86-byte chunk of Prometheus 2.42 byte for byte', () => {
  const chunks = encodeAll(vectorSamples());
  assert.equal(chunks.length, 1);
  const c = chunks[0]!;
  assert.equal(Buffer.from(c.data).toString('hex'), VECTOR_HEX);
  assert.equal(c.data.length, 86);
  assert.equal(c.minTimeMs, 1795550460000);
  assert.equal(c.maxTimeMs, 1795552351000);
  assert.deepEqual(decodeXorChunk(Buffer.from(VECTOR_HEX, 'hex')), vectorSamples());
});

test('delta-of-delta bucket edges are asymmetric (−(2ⁿ⁻¹−1) … +2ⁿ⁻¹)', () => {
  for (const dod of [
    0,
    1,
    -1,
    8192,
    -8191,
    8193,
    -8192,
    65536,
    -65535,
    65537,
    -65536,
    524288,
    -524287,
    524289,
    -524288,
    2 ** 40,
    -(2 ** 40),
  ]) {
    const samples = [
      { t: 1_000_000_000_000, bits: 1n },
      { t: 1_000_000_000_000 + 2 ** 41, bits: 2n },
      { t: 1_000_000_000_000 + 2 ** 42 + dod, bits: 3n },
    ];
    const [c] = encodeAll(samples);
    assert.deepEqual(decodeXorChunk(c!.data), samples, `dod ${dod}`);
  }
});

const SPECIAL = [
  STALE_NAN_BITS,
  GO_NAN,
  0x7ff8000000000000n,
  0xfff8000000000123n, // negative quiet NaN with payload
  0x7ff4000000000abcn, // signalling NaN
  POS_INF,
  NEG_INF,
  NEG_ZERO,
  0n,
  0x0000000000000001n, // smallest subnormal
  0x7fefffffffffffffn, // largest finite
];

function randomSeries(next: () => number, n: number): DecodedSample[] {
  const out: DecodedSample[] = [];
  let t = Math.floor((next() - 0.5) * 2 ** 50);
  let v = bits(next() * 100);
  for (let i = 0; i < n; i++) {
    const r = next();
    if (r < 0.15) v = SPECIAL[Math.floor(next() * SPECIAL.length)]!;
    else if (r < 0.3)
      v = BigInt.asUintN(
        64,
        (BigInt(Math.floor(next() * 2 ** 32)) << 32n) | BigInt(Math.floor(next() * 2 ** 32)),
      );
    else if (r < 0.5) v = bits((next() - 0.5) * 10 ** Math.floor(next() * 600 - 300));
    else if (r < 0.7) v = bits(Math.floor(next() * 1000));
    // else: unchanged value
    out.push({ t, bits: v });
    const g = next();
    const gap =
      g < 0.4
        ? 15000
        : g < 0.7
          ? 1 + Math.floor(next() * 30000)
          : g < 0.9
            ? Math.floor(next() * 2 ** 24)
            : Math.floor(next() * 2 ** 44);
    t += Math.max(1, gap);
  }
  return out;
}

test('round trip through the independent decoder over random series', () => {
  const next = rng(20261201);
  for (let round = 0; round < 200; round++) {
    const samples = randomSeries(next, 1 + Math.floor(next() * 700));
    const chunks = encodeAll(samples);
    const decoded: DecodedSample[] = [];
    for (const c of chunks) {
      assert.ok(c.data.length <= MAX_CHUNK_BYTES, `chunk of ${c.data.length} bytes`);
      const got = decodeXorChunk(c.data);
      assert.ok(got.length >= 1 && got.length <= MAX_SAMPLES_PER_CHUNK);
      assert.equal((c.data[0]! << 8) | c.data[1]!, got.length, 'uint16 sample count');
      assert.equal(got[0]!.t, c.minTimeMs);
      assert.equal(got.at(-1)!.t, c.maxTimeMs);
      decoded.push(...got);
    }
    assert.equal(decoded.length, samples.length);
    for (let i = 0; i < samples.length; i++) {
      if (decoded[i]!.t !== samples[i]!.t || decoded[i]!.bits !== samples[i]!.bits) {
        assert.fail(
          `round ${round} sample ${i}: got ${decoded[i]!.t}/${decoded[i]!.bits.toString(16)}, want ${samples[i]!.t}/${samples[i]!.bits.toString(16)}`,
        );
      }
    }
  }
});

test('cuts at 120 samples, within 1024 bytes, and before a timestamp that does not increase', () => {
  const regular = Array.from({ length: 250 }, (_v, i) => ({
    t: 1_700_000_000_000 + i * 15000,
    bits: bits(i),
  }));
  assert.deepEqual(
    encodeAll(regular).map((c) => decodeXorChunk(c.data).length),
    [120, 120, 10],
  );
  // Incompressible values (~77 bits each) hit the byte limit before 120 samples.
  const next = rng(7);
  const noisy = Array.from({ length: 240 }, (_v, i) => ({
    t: 1_700_000_000_000 + i * 15000,
    bits: (BigInt(Math.floor(next() * 2 ** 32)) << 32n) | BigInt(Math.floor(next() * 2 ** 32)),
  }));
  const chunks = encodeAll(noisy);
  assert.ok(chunks.length > 2);
  for (const c of chunks.slice(0, -1)) {
    assert.ok(
      c.data.length <= MAX_CHUNK_BYTES && c.data.length > MAX_CHUNK_BYTES - 40,
      `${c.data.length} bytes`,
    );
  }
  assert.equal(chunks.flatMap((c) => decodeXorChunk(c.data)).length, 240);
  // A repeated or earlier timestamp starts a new chunk, so each chunk stays strictly increasing.
  const back = [
    { t: 10, bits: 1n },
    { t: 20, bits: 2n },
    { t: 20, bits: 3n },
    { t: 5, bits: 4n },
  ];
  assert.deepEqual(
    encodeAll(back).map((c) => decodeXorChunk(c.data)),
    [[back[0], back[1]], [back[2]], [back[3]]],
  );
  assert.deepEqual(encodeAll([]), []);
});

test('timestamps around zero and negative timestamps', () => {
  const samples = [
    { t: -(2 ** 53) + 1, bits: 1n },
    { t: -5, bits: 2n },
    { t: 0, bits: 0n },
    { t: 2 ** 53 - 1, bits: STALE_NAN_BITS },
  ];
  const decoded = encodeAll(samples).flatMap((c) => decodeXorChunk(c.data));
  assert.deepEqual(decoded, samples);
});

test("bstream's empty last byte only after a byte-multiple write that started on a byte boundary", () => {
  // One sample: t0 as a uvarint and 64 value bits, all byte-aligned: Go's writeByte leaves an
  // empty byte at the end (2 + 6 + 8 + 1 bytes).
  const one = encodeAll([{ t: 1_795_550_401_000, bits: bits(1) }]);
  assert.equal(one[0]!.data.length, 17);
  // Second value: control bits 1, 1, 5-bit leading 1, 6-bit length 59 start the 59 significant bits
  // at bit 5 of a byte; they end on a byte boundary through writeBit, so no empty byte follows
  // (2 + 6 + 8 + 2 + 9 bytes). Split into 27 + 32 bits, the second part starts aligned: a writer
  // that judged by that part alone would add one.
  const two = encodeAll([
    { t: 1_795_550_401_000, bits: 0n },
    { t: 1_795_550_402_000, bits: 0x4000000000000010n },
  ]);
  assert.equal(two[0]!.data.length, 27);
  assert.deepEqual(decodeXorChunk(two[0]!.data).at(-1), { t: 1_795_550_402_000, bits: 0x4000000000000010n });
});
