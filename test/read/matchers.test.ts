// The matcher case table through compileMatchers, plus the per-value API, matchesEmpty and
// invalid regexes (protocols.md §4.6).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MATCHER_CASES, MATCHER_SERIES } from '../cases/matcher-cases.js';
import { compileMatcher, compileMatchers, labelValue, matchesEmpty } from '../../src/read/matchers.js';
import { RequestError } from '../../src/errors.js';
import { compareUtf8, sortLabels, type Label, type Matcher } from '../../src/model.js';

describe('matcher case table', () => {
  it('is well formed: unique ids, sorted labels, expectations in table order', () => {
    const ids = MATCHER_SERIES.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const s of MATCHER_SERIES) {
      for (let i = 1; i < s.labels.length; i++) {
        assert.ok(compareUtf8(s.labels[i - 1]!.name, s.labels[i]!.name) < 0, `${s.id} labels not sorted`);
      }
      for (const l of s.labels) assert.notEqual(l.value, '', `${s.id} has an empty value`);
    }
    const names = new Set<string>();
    for (const c of MATCHER_CASES) {
      assert.ok(!names.has(c.name), `duplicate case name ${c.name}`);
      names.add(c.name);
      const positions = c.expect.map((id) => ids.indexOf(id));
      assert.ok(!positions.includes(-1), `${c.name}: unknown id in ${c.expect.join(',')}`);
      assert.deepEqual(
        positions,
        [...positions].sort((a, b) => a - b),
        `${c.name}: expect not in table order`,
      );
    }
  });

  it('sorts UTF-8 label names by bytes, not UTF-16 units (trap 13)', () => {
    const s = MATCHER_SERIES.find((x) => x.id === 'utf8_names')!;
    assert.deepEqual(
      s.labels.map((l) => l.name),
      ['__name__', '\u{E000}', '😀'],
    );
  });

  for (const c of MATCHER_CASES) {
    it(c.name, () => {
      const test = compileMatchers(c.matchers);
      const got = MATCHER_SERIES.filter((s) => test(s.labels)).map((s) => s.id);
      assert.deepEqual(got, c.expect);
    });
  }

  it('gives the same answers with many labels per series (binary-search lookup)', () => {
    const padding: Label[] = [];
    for (let i = 0; i < 40; i++) padding.push({ name: `pad_${String(i).padStart(2, '0')}`, value: 'x' });
    const wide = MATCHER_SERIES.map((s) => ({ id: s.id, labels: sortLabels([...s.labels, ...padding]) }));
    for (const c of MATCHER_CASES) {
      const test = compileMatchers(c.matchers);
      const got = wide.filter((s) => test(s.labels)).map((s) => s.id);
      assert.deepEqual(got, c.expect, c.name);
    }
  });
});

describe('compileMatcher', () => {
  const m = (type: Matcher['type'], value: string): Matcher => ({ type, name: 'l', value });

  it('treats undefined as the empty value', () => {
    assert.equal(compileMatcher(m('EQ', ''))(undefined), true);
    assert.equal(compileMatcher(m('EQ', ''))(''), true);
    assert.equal(compileMatcher(m('NEQ', ''))(undefined), false);
    assert.equal(compileMatcher(m('NEQ', 'x'))(undefined), true);
    assert.equal(compileMatcher(m('RE', '.*'))(undefined), true);
    assert.equal(compileMatcher(m('RE', '.+'))(undefined), false);
    assert.equal(compileMatcher(m('NRE', '.+'))(undefined), true);
    assert.equal(compileMatcher(m('RE', 'x*'))(undefined), true);
  });

  it('fast paths agree with the regex engine', () => {
    const values = ['', 'a', 'b', 'ab', 'ba', 'bab', 'a|b', '\n', 'x\ny', 'x\nab\n', '😀a', 'a😀'];
    const pairs: [string, string][] = [
      ['.*', '(?:.*)'],
      ['.+', '(?:.+)'],
      ['a', '(?:a)'],
      ['a|b', '(?:a|b)'],
      ['a|', '(?:a|)'],
      ['|', '(?:|)'],
      ['a.*', '(?:a.*)'],
      ['.*a', '(?:.*a)'],
      ['.*ab.*', '(?:.*ab.*)'],
      ['.*a😀', '(?:.*a😀)'],
      ['😀.*', '(?:😀.*)'],
      ['.*.*', '(?:.*.*)'],
    ];
    for (const [fast, slow] of pairs) {
      const f = compileMatcher(m('RE', fast));
      const s = compileMatcher(m('RE', slow));
      for (const v of values) assert.equal(f(v), s(v), `${fast} vs ${slow} on ${JSON.stringify(v)}`);
    }
  });

  it('keeps RE2 semantics where JS RegExp differs', () => {
    const re = (p: string, v: string) => compileMatcher(m('RE', p))(v);
    assert.equal(re('\\pN+', '١٢٣'), true); // Arabic-Indic digits are \pN
    assert.equal(re('\\d+', '١٢٣'), false); // \d is ASCII only in RE2
    assert.equal(re('\\w+', 'é'), false); // \w is ASCII only
    assert.equal(re('\\s', '\v'), false); // RE2's \s has no vertical tab
    assert.equal(re('(?i)k', '\u212a'), true); // Kelvin sign folds to k
    assert.equal(re('(?U)a+', 'aa'), true); // ungreedy flag exists
    assert.equal(re('\\Aa\\z', 'a'), true);
    assert.equal(re('(?-s:.)', '\n'), false); // dot-newline can be turned off inside
    assert.equal(re('[^a]', '\n'), true);
    assert.equal(re('a$', 'a\n'), false); // no implicit match before a final newline
    assert.equal(re('(?P<n>a)b', 'ab'), true);
  });
});

describe('matchesEmpty', () => {
  const cases: [Matcher, boolean][] = [
    [{ type: 'EQ', name: 'l', value: '' }, true],
    [{ type: 'EQ', name: 'l', value: 'x' }, false],
    [{ type: 'NEQ', name: 'l', value: '' }, false],
    [{ type: 'NEQ', name: 'l', value: 'x' }, true],
    [{ type: 'RE', name: 'l', value: '.*' }, true],
    [{ type: 'RE', name: 'l', value: 'x|' }, true],
    [{ type: 'RE', name: 'l', value: '(x)?' }, true],
    [{ type: 'RE', name: 'l', value: '.+' }, false],
    [{ type: 'RE', name: 'l', value: 'x' }, false],
    [{ type: 'NRE', name: 'l', value: '.+' }, true],
    [{ type: 'NRE', name: 'l', value: '.*' }, false],
    [{ type: 'NRE', name: 'l', value: '' }, false],
  ];
  for (const [matcher, want] of cases) {
    it(`${matcher.type} ${JSON.stringify(matcher.value)} → ${want}`, () => {
      assert.equal(matchesEmpty(matcher), want);
    });
  }
});

describe('invalid regexes', () => {
  const bad = [
    '(',
    '[',
    'a)|(b', // would compile once wrapped in ^(?s:…)$, must still be rejected
    '*',
    'a**',
    'a{2,1}',
    'a{1001}',
    '\\1', // no backreferences in RE2
    '(?=a)', // no look-ahead
    '(?<=a)b', // no look-behind
    '\\Z',
    '\\C',
    'a\\',
    '(?z)a',
  ];
  for (const pattern of bad) {
    for (const type of ['RE', 'NRE'] as const) {
      it(`${type} ${JSON.stringify(pattern)} → RequestError 400 bad_regex`, () => {
        const matcher: Matcher = { type, name: 'job', value: pattern };
        assert.throws(
          () => compileMatchers([{ type: 'EQ', name: '__name__', value: 'up' }, matcher]),
          (err: unknown) => {
            assert.ok(err instanceof RequestError);
            assert.equal(err.status, 400);
            assert.equal(err.reason, 'bad_regex');
            assert.ok(err.message.includes('job'), err.message);
            assert.ok(err.message.includes(JSON.stringify(pattern)), err.message);
            return true;
          },
        );
        assert.throws(() => compileMatcher(matcher), RequestError);
        assert.throws(() => matchesEmpty(matcher), RequestError);
      });
    }
  }

  it('does not reject a valid regex that only looks odd', () => {
    for (const p of ['a|', '()', '(?:)', '[]a]', '[a-]', '\\Q(\\E', 'x{0}', '(?i)(?s)(?m)(?U)a']) {
      assert.doesNotThrow(() => compileMatcher({ type: 'RE', name: 'l', value: p }), p);
    }
  });
});

describe('labelValue', () => {
  it('finds labels in short and long sorted sets', () => {
    const short = sortLabels([
      { name: 'b', value: '2' },
      { name: 'a', value: '1' },
    ]);
    assert.equal(labelValue(short, 'a'), '1');
    assert.equal(labelValue(short, 'c'), undefined);
    const long: Label[] = [];
    for (let i = 0; i < 50; i++) long.push({ name: `n${String(i).padStart(2, '0')}`, value: String(i) });
    long.push({ name: '\u{E000}', value: 'pua' }, { name: '😀', value: 'astral' });
    const sorted = sortLabels(long);
    for (const l of sorted) assert.equal(labelValue(sorted, l.name), l.value);
    assert.equal(labelValue(sorted, 'n99'), undefined);
    assert.equal(labelValue(sorted, ''), undefined);
  });
});
