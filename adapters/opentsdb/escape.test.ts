// The escaping: the legacy adapter's output for a table of names (protocols.md §6.4) and
// reversibility over random Unicode.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeName, unescapeName } from './escape.js';

// [input, legacy output]; every row is also what escapeName gives.
const LEGACY: readonly (readonly [string, string])[] = [
  ['foo_bar_42', 'foo__bar__42'],
  ['http://example.org:8080', 'http_.//example.org_.8080'],
  ['test:metric', 'test_.metric'],
  ['abc!ABC:012-3!45ö67~89./', 'abc_21ABC_.012-3_2145_C3_B667_7E89./'],
  ["it's", 'it_27s'],
  ['a b', 'a_20b'],
  ['line\nnext', 'line_Anext'],
  ['tab\tx', 'tab_9x'],
  ['end\n', 'end_A'],
  ['\u0000z', '_0z'],
  ['sys.cpu.user', 'sys.cpu.user'],
  ['Grüße', 'Gr_C3_BC_C3_9Fe'],
  ['😀', '_F0_9F_98_80'],
  ['100%', '100_25'],
  ['{a="b"}', '_7Ba_3D_22b_22_7D'],
];

// Where the legacy single digit would be ambiguous, two digits are written.
const DISAMBIGUATED: readonly (readonly [string, string, string])[] = [
  ['\nB', '_AB', '_0AB'],
  ['\n0', '_A0', '_0A0'],
  ['\u0001F', '_1F', '_01F'],
  ['\n\n', '_A_A', '_A_A'],
  ['\n_', '_A__', '_A__'],
  ['\nb', '_Ab', '_Ab'],
];

describe('opentsdb escaping', () => {
  for (const [input, legacy] of LEGACY) {
    it(`escapes ${JSON.stringify(input)} as the legacy adapter did`, () => {
      assert.equal(escapeName(input), legacy);
      assert.equal(unescapeName(legacy), input);
    });
  }

  for (const [input, legacy, ours] of DISAMBIGUATED) {
    it(`writes ${JSON.stringify(input)} as ${ours} (legacy ${legacy})`, () => {
      assert.equal(escapeName(input), ours);
      assert.equal(unescapeName(ours), input);
    });
  }

  it('only ever emits OpenTSDB-safe characters', () => {
    for (const [input] of LEGACY) assert.match(escapeName(input), /^[A-Za-z0-9._/-]*$/);
  });

  it('keeps foreign text it did not write (lenient decoding)', () => {
    for (const text of ['host_', 'a_zb', 'wëb01', '_FF', 'web01']) {
      assert.equal(unescapeName(text), text);
    }
  });

  it('round-trips random Unicode strings (property test, seeded)', () => {
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    // Weighted toward the interesting ranges: controls, the escape alphabet, hex digits.
    const pools = ['\u0000\u0001\t\n\u000f\u0010', '_:.-/', '0123456789ABCDEFabcdef', 'xyzXYZ !%~"\'\\'];
    const codePoint = (): string => {
      switch (rand(5)) {
        case 0:
        case 1: {
          const pool = pools[rand(pools.length)]!;
          return pool[rand(pool.length)]!;
        }
        case 2:
          return String.fromCodePoint(0x80 + rand(0x800 - 0x80));
        case 3: {
          const cp = 0x800 + rand(0xffff - 0x800);
          return cp >= 0xd800 && cp <= 0xdfff ? 'ß' : String.fromCodePoint(cp);
        }
        default:
          return String.fromCodePoint(0x10000 + rand(0x10ffff - 0x10000));
      }
    };
    for (let round = 0; round < 20_000; round++) {
      let s = '';
      const len = rand(12);
      for (let i = 0; i < len; i++) s += codePoint();
      const escaped = escapeName(s);
      assert.match(escaped, /^[A-Za-z0-9._/-]*$/);
      assert.equal(unescapeName(escaped), s, `round trip of ${JSON.stringify(s)} via ${escaped}`);
    }
  });
});
