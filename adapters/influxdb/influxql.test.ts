// InfluxQL generation as case tables: escaping that no label value can break out of, and
// pushdown that is exact or a superset.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Matcher } from '../../src/adapter.js';
import {
  fromClause,
  matcherCondition,
  quoteIdent,
  quoteString,
  regexLiteral,
  selectStatement,
} from './influxql.js';
import { partialWriteDropped } from './write-v1.js';
import { classifyStatus, parseRetryAfter } from './errors.js';

const m = (type: Matcher['type'], name: string, value: string): Matcher => ({ type, name, value });

describe('InfluxQL quoting', () => {
  it('identifiers', () => {
    assert.equal(quoteIdent('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(quoteIdent('a\nb'), undefined);
  });
  it('string literals', () => {
    assert.equal(quoteString("it's \\ ok\n"), "'it\\'s \\\\ ok\\n'");
  });
  const regexes: [string, string | undefined][] = [
    ['a|b', '/^(?s:a|b)$/'],
    ['a/b', '/^(?s:a\\x2fb)$/'],
    ['a\\/b', '/^(?s:a\\x2fb)$/'],
    ['a\\\\/b', '/^(?s:a\\\\\\x2fb)$/'],
    ['[^/]+', '/^(?s:[^\\x2f]+)$/'],
    ['x\ny', '/^(?s:x\\ny)$/'],
    ['\\Qa/b\\E', undefined],
  ];
  for (const [re, want] of regexes) {
    it(`regex ${JSON.stringify(re)}`, () => {
      const got = regexLiteral(re);
      assert.equal(got, want);
      if (got !== undefined) assert.ok(!got.slice(1, -1).includes('/'), 'no raw slash inside');
    });
  }
});

describe('pushdown', () => {
  const cases: [Matcher, string | undefined][] = [
    [m('EQ', 'job', "a'b"), `"job" = 'a\\'b'`],
    [m('EQ', 'job', ''), `"job" = ''`],
    [m('NEQ', 'job', ''), `"job" != ''`],
    [m('EQ', 'v', 'x\n'), `"v" = '\u{FDD0}x%0A'`],
    [m('RE', 'job', 'a.*'), `("job" =~ /^(?s:a.*)$/ OR "job" = '' OR "job" =~ /^\u{FDD0}/)`],
    [m('NRE', 'job', 'a.*'), `("job" !~ /^(?s:a.*)$/ OR "job" = '' OR "job" =~ /^\u{FDD0}/)`],
    [m('RE', 'job', '\\Qx\\E'), undefined],
  ];
  for (const [matcher, want] of cases) {
    it(`${matcher.name} ${matcher.type} ${JSON.stringify(matcher.value)}`, () => {
      assert.equal(matcherCondition(matcher), want);
    });
  }
  it('FROM', () => {
    assert.equal(fromClause([m('EQ', '__name__', 'up')], undefined), '"up"');
    assert.equal(fromClause([m('EQ', '__name__', 'up')], 'autogen'), '"autogen"."up"');
    assert.equal(fromClause([m('RE', '__name__', 'go_.*')], undefined), '/^(?s:go_.*)$/');
    assert.equal(fromClause([m('NEQ', '__name__', 'up')], undefined), '/.+/');
    assert.equal(fromClause([], undefined), '/.+/');
    assert.equal(fromClause([m('EQ', '__name__', '')], undefined), '"prom_metric_not_specified"');
  });
  it('SELECT with time bounds, unbounded ends left out', () => {
    assert.equal(
      selectStatement({ startMs: 1000, endMs: 2000, matchers: [m('EQ', '__name__', 'up')] }, undefined),
      'SELECT * FROM "up" WHERE time >= 1000ms AND time <= 2000ms GROUP BY *',
    );
    assert.equal(
      selectStatement({ startMs: -(2 ** 53), endMs: 2 ** 53, matchers: [] }, undefined),
      'SELECT * FROM /.+/ GROUP BY *',
    );
  });
});

describe('write answers', () => {
  it('partial writes', () => {
    assert.equal(partialWriteDropped('partial write: field type conflict: … dropped=3'), 3);
    assert.equal(partialWriteDropped("partial write: unable to parse 'x': bad timestamp dropped=0"), 1);
    assert.equal(partialWriteDropped('unable to parse'), undefined);
  });
  const statuses: [number, string, string][] = [
    [404, 'retryable', 'INFLUX_SETUP'],
    [401, 'retryable', 'INFLUX_AUTH'],
    [429, 'retryable', 'INFLUX_OVERLOAD'],
    [503, 'retryable', 'INFLUX_OVERLOAD'],
    [500, 'retryable', 'INFLUX_SERVER'],
    [413, 'permanent', 'INFLUX_TOO_LARGE'],
    [422, 'permanent', 'INFLUX_REJECTED'],
  ];
  for (const [status, cls, code] of statuses) {
    it(`status ${status}`, () => {
      const err = classifyStatus(status, '{"error":"x"}', undefined, 'write');
      assert.equal(err.class, cls);
      assert.equal(err.code, code);
    });
  }
  it('Retry-After', () => {
    assert.equal(classifyStatus(503, '', '7', 'write').class, 'retryable');
    assert.equal((classifyStatus(429, '', '7', 'write') as { retryAfterMs?: number }).retryAfterMs, 7000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000), 6000);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});
