// Parameter texts: float8 texts that parse back to the same double, NaN bits as a signed
// bigint, array literals that survive quotes and backslashes, and hex back to exact words.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setValueBits, valueBits } from '../../src/adapter.js';
import {
  byteaHexArray,
  float8Text,
  isNaNWords,
  nanBitsText,
  setWordsFromHex,
  textArray,
  unstorableTextReason,
  wordsOf,
} from './sql-text.js';

function fromBits(bits: bigint): { values: Float64Array; lo: number; hi: number } {
  const values = new Float64Array(1);
  setValueBits(values, 0, bits);
  const w = wordsOf(values);
  return { values, lo: w[0]!, hi: w[1]! };
}

describe('sql-text', () => {
  it('writes -0 as "-0" and every other non-NaN as its shortest round-trip text', () => {
    const cases: [bigint, string][] = [
      [0x8000000000000000n, '-0'],
      [0x0000000000000000n, '0'],
      [0x7ff0000000000000n, 'Infinity'],
      [0xfff0000000000000n, '-Infinity'],
      [0x0000000000000001n, '5e-324'],
      [0x7fefffffffffffffn, '1.7976931348623157e+308'],
      [0x3fb999999999999an, '0.1'],
    ];
    for (const [bits, text] of cases) {
      const { values, lo, hi } = fromBits(bits);
      assert.equal(float8Text(values[0]!, lo, hi), text);
      assert.equal(isNaNWords(lo, hi), false);
    }
  });

  it('recognises every NaN and keeps its bits as a signed 64-bit decimal', () => {
    const cases: [bigint, string][] = [
      [0x7ff0000000000002n, '9218868437227405314'],
      [0x7ff8000000000001n, '9221120237041090561'],
      [0xfff8000000000000n, '-2251799813685248'],
      [0xffffffffffffffffn, '-1'],
    ];
    for (const [bits, text] of cases) {
      const { lo, hi } = fromBits(bits);
      assert.equal(isNaNWords(lo, hi), true);
      assert.equal(nanBitsText(lo, hi), text);
      assert.equal(BigInt.asUintN(64, BigInt(text)), bits);
    }
  });

  it('turns 16 hex digits back into the exact double', () => {
    const values = new Float64Array(2);
    setWordsFromHex(wordsOf(values), 1, '7ff0000000000002');
    assert.equal(valueBits(values, 1), 0x7ff0000000000002n);
    setWordsFromHex(wordsOf(values), 0, '8000000000000000');
    assert.ok(Object.is(values[0], -0));
  });

  it('quotes text array elements', () => {
    assert.equal(
      textArray(['a', '', 'say "hi"', 'back\\slash', '{x,y}', 'NULL']),
      '{"a","","say \\"hi\\"","back\\\\slash","{x,y}","NULL"}',
    );
    assert.equal(byteaHexArray(['00ff']), '{"\\\\x00ff"}');
  });

  it('names what PostgreSQL text cannot hold', () => {
    assert.equal(unstorableTextReason('a\u0000b'), 'nul_in_label');
    assert.equal(unstorableTextReason('\ud800'), 'invalid_unicode');
    assert.equal(unstorableTextReason('\udc00x'), 'invalid_unicode');
    assert.equal(unstorableTextReason('😀 ok'), undefined);
  });
});
