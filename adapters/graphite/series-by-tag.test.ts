// Matchers → seriesByTag expressions (tags mode) and → path globs (path mode).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Matcher, MatcherType } from '../../src/adapter.js';
import { literalAlternatives } from './literal-regex.js';
import { pathTargets } from './path-targets.js';
import { seriesByTagTarget, tagExpressions } from './series-by-tag.js';

const m = (type: MatcherType, name: string, value: string): Matcher => ({ type, name, value });

describe('graphite read pushdown', () => {
  const cases: ReadonlyArray<[string, Matcher[], string[]]> = [
    ['equality', [m('EQ', '__name__', 'up'), m('EQ', 'job', 'api')], ['name=up', 'job=api']],
    ['escaped value', [m('EQ', '__name__', 'up'), m('EQ', 'v', "a;b 'c'")], ['name=up', 'v=a%3Bb%20%27c%27']],
    ['dotted name: tagged and plain forms', [m('EQ', '__name__', 'a.b')], ['name=~^(?:a\\.b|a%2Eb)$']],
    ['inequality', [m('EQ', '__name__', 'up'), m('NEQ', 'job', 'x')], ['name=up', 'job!=x']],
    ['absent label', [m('EQ', '__name__', 'up'), m('EQ', 'job', '')], ['name=up', 'job=']],
    ['present label', [m('NEQ', 'job', '')], ['job!=']],
    ['literal alternation', [m('RE', 'job', 'a|b;c')], ['job=~^(?:a|b%3Bc)$']],
    ['prefix regex', [m('RE', 'job', 'api.*')], ['job=~^(?:api.*)$']],
    ['negated regex', [m('EQ', '__name__', 'up'), m('NRE', 'code', '5..|4.*')], ['name=up']],
    [
      'negated literal regex',
      [m('EQ', '__name__', 'up'), m('NRE', 'code', '500|503')],
      ['name=up', 'code!=~^(?:500|503)$'],
    ],
    ['complex regex: only presence', [m('RE', 'job', '[a-z]+')], ['job!=']],
    ['regex matching empty: nothing, then name!=', [m('RE', 'job', '.*')], ['job=~^(?:.*)$', 'name!=']],
    ['label called name', [m('EQ', 'name', 'x')], ['%6Eame=x']],
  ];
  for (const [what, matchers, want] of cases) {
    it(`tags: ${what}`, () => assert.deepEqual(tagExpressions(matchers, ''), want));
  }

  it('applies the prefix to the name', () => {
    assert.deepEqual(tagExpressions([m('EQ', '__name__', 'up')], 'prom.'), ['name=prom.up']);
  });

  it('quotes expressions into one seriesByTag call', () => {
    assert.equal(seriesByTagTarget(['name=up', 'job!=x']), "seriesByTag('name=up','job!=x')");
  });

  it('recognises literal alternations only', () => {
    assert.deepEqual(literalAlternatives('(?:GET|POST)'), [
      { literal: 'GET', rest: '' },
      { literal: 'POST', rest: '' },
    ]);
    assert.deepEqual(literalAlternatives('a\\.b.+'), [{ literal: 'a.b', rest: '.+' }]);
    for (const re of ['a[bc]', '\\d+', 'a?', '(a)|(b)', 'x{2}', '^a$']) {
      assert.equal(literalAlternatives(re), undefined, re);
    }
  });

  it('path mode: every depth under the escaped name, glob-safe', () => {
    assert.deepEqual(pathTargets([m('EQ', '__name__', 'up')], 'p.', 2), ['p.up', 'p.up.*.*', 'p.up.*.*.*.*']);
    assert.deepEqual(pathTargets([m('EQ', '__name__', 'a.b{x}')], '', 0), ['a%2Eb??x??']);
    assert.deepEqual(pathTargets([m('RE', '__name__', 'up|node_.*')], '', 0), ['up', 'node_*']);
    assert.throws(() => pathTargets([m('EQ', 'job', 'x')], '', 2), /needs|only read with a __name__/);
  });
});
