import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RequestError } from '../../src/errors.js';
import {
  readSnappyPreamble,
  snappyCompress,
  snappyDecompress,
  snappyImpl,
  type SnappyImpl,
} from '../../src/codec/snappy.js';
import { xorshift32 } from '../support/bits.js';

// dist/test/codec/ → the repo is three levels up; shared/ sits beside the clone.
const FIXTURES =
  process.env['PROMGATE_FIXTURES'] ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

const MAX = 32 << 20;
const IMPLS: readonly SnappyImpl[] = ['native', 'js'];

// Wire and decoded sizes (README.md states those of the write fixtures).
const FIXTURES_DECODED: ReadonlyArray<[string, number, number]> = [
  ['prom242-write-selfscrape-500series.snappy.bin', 10982, 78435],
  ['prom242-write-metadata-only.snappy.bin', 9691, 22635],
  ['vmagent-1.79.5-write-526series.snappy.bin', 11587, 68912],
  ['prom242-read-instant-query.snappy.bin', 83, 80],
  ['prom242-read-range-rate-hints.snappy.bin', 97, 94],
  ['prom242-read-sum-by-regex-matcher.snappy.bin', 94, 92],
];

function rejects(fn: () => unknown, status: number, reason: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RequestError, `expected RequestError, got ${String(err)}`);
    assert.equal(err.status, status);
    assert.equal(err.reason, reason);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

describe('snappy', () => {
  it('uses the native binding where it loads (it does wherever npm installed its prebuilt)', () => {
    assert.equal(snappyImpl(), 'native');
  });

  it('decodes every fixture identically with native and snappyjs', () => {
    for (const [name, wire, decoded] of FIXTURES_DECODED) {
      const body = fixture(name);
      assert.equal(body.length, wire, name);
      const native = snappyDecompress(body, MAX, 'native');
      const js = snappyDecompress(body, MAX, 'js');
      assert.equal(readSnappyPreamble(body), native.length, name);
      assert.equal(native.length, decoded, name);
      assert.ok(native.equals(js), `${name}: native and snappyjs differ`);
    }
  });

  it('round-trips and cross-decodes compressed output of both implementations', () => {
    const raw = snappyDecompress(fixture('prom242-write-selfscrape-500series.snappy.bin'), MAX);
    for (const by of IMPLS) {
      const packed = snappyCompress(raw, by);
      for (const with_ of IMPLS)
        assert.ok(snappyDecompress(packed, MAX, with_).equals(raw), `${by} → ${with_}`);
    }
    for (const impl of IMPLS)
      assert.equal(snappyDecompress(snappyCompress(Buffer.alloc(0), impl), MAX, impl).length, 0);
  });

  it('reads the preamble', () => {
    assert.equal(readSnappyPreamble(Buffer.from([0x00])), 0);
    assert.equal(readSnappyPreamble(Buffer.from([0x7f])), 127);
    assert.equal(readSnappyPreamble(Buffer.from([0x80, 0x01])), 128);
    assert.equal(readSnappyPreamble(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])), 2 ** 32 - 1);
    rejects(() => readSnappyPreamble(Buffer.alloc(0)), 400, 'corrupt_snappy');
    rejects(() => readSnappyPreamble(Buffer.from([0x80, 0x80])), 400, 'corrupt_snappy', /truncated/);
    rejects(() => readSnappyPreamble(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f])), 400, 'corrupt_snappy');
    rejects(
      () => readSnappyPreamble(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])),
      400,
      'corrupt_snappy',
    );
  });

  it('refuses a preamble claiming 4 GiB with 413 before allocating', () => {
    const body = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x61]);
    for (const impl of IMPLS) {
      const before = process.memoryUsage().arrayBuffers;
      rejects(() => snappyDecompress(body, MAX, impl), 413, 'decoded_too_large', /4294967295/);
      assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
    }
  });

  it('applies the limit to the exact decoded size', () => {
    const raw = Buffer.from('x'.repeat(1000));
    const packed = snappyCompress(raw);
    assert.equal(snappyDecompress(packed, 1000).length, 1000);
    rejects(() => snappyDecompress(packed, 999), 413, 'decoded_too_large');
  });

  it('rejects the framed/stream format with a message saying so', () => {
    const framed = Buffer.concat([Buffer.from('ff060000734e61507059', 'hex'), Buffer.alloc(20)]);
    for (const impl of IMPLS)
      rejects(() => snappyDecompress(framed, MAX, impl), 400, 'snappy_framed', /framed/);
  });

  it('rejects truncated and corrupt bodies with 400 corrupt_snappy', () => {
    const body = fixture('prom242-write-selfscrape-500series.snappy.bin');
    const cases: Buffer[] = [
      Buffer.alloc(0),
      body.subarray(0, 100),
      body.subarray(0, body.length - 1),
      // A 4-byte copy offset with the top bit set (snappyjs alone would accept it).
      Buffer.concat([body.subarray(0, 3), Buffer.alloc(50, 0xff)]),
      // Copy before any literal: offset beyond the output.
      Buffer.from([0x05, 0x01, 0x01]),
      // Decodes to fewer bytes than announced.
      Buffer.from([0x05, 0x00, 0x61]),
      // Decodes to more bytes than announced.
      Buffer.from([0x01, 0x04, 0x61, 0x62]),
    ];
    for (const impl of IMPLS) {
      for (const c of cases) rejects(() => snappyDecompress(c, MAX, impl), 400, 'corrupt_snappy');
    }
  });

  it('never throws anything but RequestError on random and mutated input', () => {
    const rand = xorshift32(7);
    const body = fixture('vmagent-1.79.5-write-526series.snappy.bin');
    for (let i = 0; i < 300; i++) {
      let input: Buffer;
      if (i % 3 === 0) {
        input = Buffer.alloc(1 + Math.floor(rand() * 64));
        for (let j = 0; j < input.length; j++) input[j] = Math.floor(rand() * 256);
      } else {
        input = Buffer.from(body.subarray(0, 1 + Math.floor(rand() * body.length)));
        for (let f = 0; f < 3; f++) input[Math.floor(rand() * input.length)]! ^= 1 << Math.floor(rand() * 8);
      }
      const out: Partial<Record<SnappyImpl, Buffer | string>> = {};
      for (const impl of IMPLS) {
        try {
          out[impl] = snappyDecompress(input, 1 << 20, impl);
        } catch (err) {
          assert.ok(err instanceof RequestError, `${impl}: ${String(err)}`);
          assert.ok(err.status === 400 || err.status === 413);
          out[impl] = err.reason;
        }
      }
      // Where both succeed they agree; where one rejects, so does the other.
      const [a, b] = [out.native, out.js];
      if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) assert.ok(a.equals(b));
      else assert.equal(typeof a, typeof b, `native ${String(a)} vs js ${String(b)}`);
    }
  });
});
