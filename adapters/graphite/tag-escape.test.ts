// `mode: tags` escaping: a property test over random Unicode (escape then unescape is the
// identity; the escaped form holds nothing Graphite forbids), and tagged names built from
// label sets, parsed back.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sortLabels } from '../../src/adapter.js';
import { escapeTag, unescapeTag } from './tag-escape.js';
import { parseTaggedName, taggedName } from './tagged-name.js';

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [...';!^=~% \'"\\\t\n\r\v\f\x00\x1c\x85\xa0\u1680\u2000\u2028\u3000\ufeff.*?[]{}/%'];

function randomString(next: () => number): string {
  const len = Math.floor(next() * 12);
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = next();
    if (r < 0.4) s += NASTY[Math.floor(next() * NASTY.length)];
    else if (r < 0.7) s += String.fromCharCode(0x20 + Math.floor(next() * 0x5f));
    else {
      let cp = Math.floor(next() * 0x10ffff);
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41; // lone surrogates are not valid UTF-8
      s += String.fromCodePoint(cp);
    }
  }
  return s;
}

// Control characters are exactly what this test is about.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[;!^=~'"\\\s\x00-\x1f\x7f-\x9f\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/u;

describe('graphite tags mode escaping', () => {
  it('round-trips 20000 random Unicode strings and leaves nothing forbidden', () => {
    const next = rng(42);
    for (let i = 0; i < 20_000; i++) {
      const s = randomString(next);
      for (const plain of [false, true]) {
        const e = escapeTag(s, plain);
        assert.equal(unescapeTag(e), s, `case ${i}: ${JSON.stringify(s)} → ${e}`);
        assert.ok(e !== '', 'never empty');
        assert.ok(!FORBIDDEN.test(e), `forbidden character left in ${JSON.stringify(e)}`);
        if (plain) assert.ok(!/[./*?[\]{}]/.test(e), `path character left in ${e}`);
      }
    }
  });

  for (const [input, want] of [
    ['api', 'api'],
    ['', '%'],
    ['a;b', 'a%3Bb'],
    ['~x', '%7Ex'],
    ['a=b!c^d', 'a%3Db%21c%5Ed'],
    ['50%', '50%25'],
    ['x y', 'x%20y'],
    ['Grüße 世界', 'Grüße%20世界'],
    ['a.b', 'a.b'],
  ] as const) {
    it(`escapes ${JSON.stringify(input)} as ${want}`, () => assert.equal(escapeTag(input), want));
  }

  it('keeps foreign names that do not unescape verbatim', () => {
    assert.equal(unescapeTag('100%'), undefined);
    assert.deepEqual(parseTaggedName('cpu;load=100%'), [
      { name: '__name__', value: 'cpu' },
      { name: 'load', value: '100%' },
    ]);
  });

  it('builds tagged names and parses them back, the label `name` included', () => {
    const sets = [
      { __name__: 'http_requests_total', job: 'api', code: '200' },
      { __name__: 'm', name: 'clash', 'we;ird': 'v=1;2', e: ' ' },
      { __name__: 'dotted.name' },
      { job: 'nameless' },
      { __name__: '~tilde', v: '~' },
    ];
    const want = [
      'http_requests_total;code=200;job=api',
      'm;e=%20;%6Eame=clash;we%3Bird=v%3D1%3B2',
      'dotted%2Ename',
      '%;job=nameless',
      '%7Etilde;v=%7E',
    ];
    sets.forEach((set, i) => {
      const l = sortLabels(Object.entries(set).map(([name, value]) => ({ name, value })));
      const path = taggedName(l);
      assert.equal(path, want[i]);
      assert.deepEqual(sortLabels(parseTaggedName(path)!), l);
    });
  });
});
