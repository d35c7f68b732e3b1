// Which RE2 patterns the reader pushes down, as a case table. Anything not listed as a
// literal form must come back undefined (left to the core).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseRegex } from './regex-literal.js';

const CASES: [pattern: string, expected: ReturnType<typeof analyseRegex>][] = [
  ['a', { kind: 'set', values: ['a'] }],
  ['a|b|c', { kind: 'set', values: ['a', 'b', 'c'] }],
  ['a|a', { kind: 'set', values: ['a'] }],
  ['', { kind: 'set', values: [''] }],
  ['x|', { kind: 'set', values: ['x', ''] }],
  ['|', { kind: 'set', values: [''] }],
  ['a\\.b', { kind: 'set', values: ['a.b'] }],
  ['100\\%|a\\|b', { kind: 'set', values: ['100%', 'a|b'] }],
  ['Grüße|😀', { kind: 'set', values: ['Grüße', '😀'] }],
  ['it\'s|say "hi"', { kind: 'set', values: ["it's", 'say "hi"'] }],
  ['.*', { kind: 'any' }],
  ['.+', { kind: 'nonempty' }],
  ['api.*', { kind: 'prefix', prefix: 'api' }],
  ['a\\.b.*', { kind: 'prefix', prefix: 'a.b' }],
  ['a\\\\.*', { kind: 'prefix', prefix: 'a\\' }],
  // Not literal: left to the core.
  ['a\\.*', undefined],
  ['a|b.*', undefined],
  ['.*a', undefined],
  ['^a$', undefined],
  ['a\\z', undefined],
  ['a?', undefined],
  ['(a|b)', undefined],
  ['(?i)hello', undefined],
  ['[ab]', undefined],
  ['a{2}', undefined],
  ['\\d+', undefined],
  ['\\pL', undefined],
  ['\\Qa.b\\E', undefined],
  ['a\\', undefined],
  ['\\n', undefined],
  ['..*', undefined],
  ['.', undefined],
];

describe('analyseRegex', () => {
  for (const [pattern, expected] of CASES) {
    it(`${JSON.stringify(pattern)} → ${expected ? expected.kind : 'not pushed down'}`, () => {
      assert.deepEqual(analyseRegex(pattern), expected);
    });
  }
});
