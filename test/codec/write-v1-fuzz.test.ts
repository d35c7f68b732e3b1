// The write v1 decoder on seeded random bodies: agreement with protobufjs and exact value bits
// on valid bodies, only RequestError on truncated, bit-flipped and random ones.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecodedWrite } from '../../src/codec/write-v1.js';
import { RequestError } from '../../src/errors.js';
import { valueBits } from '../../src/model.js';
import { assertAgrees, fixtureBody, newDecoder, oracle, type Expected } from './oracle.js';
import { xorshift32 } from '../support/bits.js';
import { expectedBits, randomBody, randomLabelSet } from './random-bodies.js';

describe('write v1 decoder: seeded random bodies', () => {
  it('agrees with protobufjs and keeps every value bit on 400 random valid bodies', () => {
    const rand = xorshift32(20261124);
    const pool = Array.from({ length: 40 }, () => randomLabelSet(rand));
    const d = newDecoder(16); // small: rotation happens often
    for (let i = 0; i < 400; i++) {
      const { body, entries } = randomBody(rand, pool);
      const batch = d.decode(body);
      assertAgrees(batch, oracle(body));
      const bits = expectedBits(entries);
      for (const s of batch.series) {
        const want = bits.get(s.series.key)!;
        assert.deepEqual(
          Array.from({ length: s.values.length }, (_, j) => valueBits(s.values, j)),
          want,
          `bits of ${s.series.key} in body ${i}`,
        );
      }
    }
  });

  it('gives RequestError (never another exception) on truncated, bit-flipped and random bodies', () => {
    const rand = xorshift32(4242);
    const pool = Array.from({ length: 20 }, () => randomLabelSet(rand));
    const d = newDecoder(8);
    const fixtures = [
      fixtureBody('prom242-write-selfscrape-500series'),
      fixtureBody('vmagent-1.79.5-write-526series'),
    ];
    const reference = fixtures[1]!;
    let rejected = 0;
    let compared = 0;
    for (let i = 0; i < 600; i++) {
      const base = i % 10 === 0 ? fixtures[i % 20 === 0 ? 0 : 1]! : randomBody(rand, pool).body;
      let body: Buffer;
      const kind = i % 4;
      if (kind === 0) body = base.subarray(0, Math.floor(rand() * base.length));
      else if (kind === 1 || kind === 2) {
        body = Buffer.from(base);
        const flips = 1 + Math.floor(rand() * 3);
        for (let f = 0; f < flips && body.length > 0; f++)
          body[Math.floor(rand() * body.length)]! ^= 1 << Math.floor(rand() * 8);
      } else {
        body = Buffer.alloc(Math.floor(rand() * 64));
        for (let j = 0; j < body.length; j++) body[j] = Math.floor(rand() * 256);
      }
      let actual: DecodedWrite | undefined;
      try {
        actual = d.decode(body);
      } catch (err) {
        assert.ok(err instanceof RequestError, `body ${i}: ${String(err)}`);
        assert.equal(err.status, 400);
        rejected++;
      }
      if (actual !== undefined) {
        let expected: Expected | undefined;
        try {
          expected = oracle(body);
        } catch {
          // protobufjs rejects some bodies we accept (e.g. unknown group without end); fine.
        }
        if (expected !== undefined) {
          assertAgrees(actual, expected, { metadataText: false });
          compared++;
        }
      }
      // The cache survives failed requests: a known body still decodes right.
      if (i % 50 === 0) assertAgrees(d.decode(reference), oracle(reference));
    }
    assert.ok(rejected > 100 && compared > 50, `rejected ${rejected}, compared ${compared}`);
  });
});
