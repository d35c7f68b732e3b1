// Which matchers become OpenTSDB filters: only supersets of the Prometheus selection.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Matcher } from '../../src/adapter.js';
import { literalAlternatives, literalPrefix, planQuery } from './query-plan.js';

const m = (type: Matcher['type'], name: string, value: string): Matcher => ({ type, name, value });

describe('opentsdb query plan', () => {
  for (const [re, want] of [
    ['a|b', ['a', 'b']],
    ['up', ['up']],
    ['a|', undefined],
    ['a.b', undefined],
    ['(a|b)', undefined],
  ] as const) {
    it(`reads ${re} as alternatives ${JSON.stringify(want)}`, () =>
      assert.deepEqual(literalAlternatives(re), want));
  }

  for (const [re, want] of [
    ['abc.*', 'abc'],
    ['ab*', 'a'],
    ['ab?c', 'a'],
    ['ab{2}', 'a'],
    ['a:b+', 'a:b'],
    ['.*x', ''],
    ['a|b.*', ''],
    ['(?i)abc', ''],
    ['a\n.*', 'a'],
    ['é世.*', 'é世'],
  ] as const) {
    it(`takes prefix ${JSON.stringify(want)} from ${JSON.stringify(re)}`, () =>
      assert.equal(literalPrefix(re), want));
  }

  it('maps the metric name and escaped keys and values', () => {
    const plan = planQuery(
      [m('EQ', '__name__', 'a:b'), m('EQ', 'k8s.pod', 'p_1'), m('EQ', 'empty', ''), m('NRE', 'x', 'y')],
      'ph',
    );
    assert.deepEqual(plan, {
      metrics: ['a_.b'],
      filters: [{ type: 'literal_or', tagk: '.k8s.pod', filter: 'p__1', groupBy: false }],
    });
  });

  it('intersects several name matchers and queries each metric', () => {
    assert.deepEqual(planQuery([m('RE', '__name__', 'a|b|c'), m('RE', '__name__', 'b|c|d')], 'ph').metrics, [
      'b',
      'c',
    ]);
  });

  it('pushes a regex that matches "" nowhere (it also selects series lacking the label)', () => {
    assert.deepEqual(planQuery([m('EQ', '__name__', 'x'), m('RE', 'job', '.*')], 'ph').filters, []);
    assert.deepEqual(planQuery([m('EQ', '__name__', 'x'), m('RE', 'job', 'a*')], 'ph').filters, []);
  });
});
