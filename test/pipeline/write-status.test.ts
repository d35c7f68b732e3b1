import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, RetryableError } from '../../src/errors.js';
import { writeAnswer } from '../../src/http/write-status.js';
import type { BackendResult } from '../../src/write/fan-out.js';
import { makeWriteBatch } from '../../src/model.js';

/** A routed share with samples in it (the counts are what writtenCounts looks at). */
const SOME_SAMPLES = { ...makeWriteBatch({}), sampleCount: 10 };

const ok = (backend: string, written = 10): BackendResult => ({
  backend,
  batch: SOME_SAMPLES,
  result: { kind: 'written', outcome: { written, rejected: [] } },
});

test('status table: every outcome combination maps to the status of design.md §4', () => {
  const cases: Array<{
    name: string;
    results: BackendResult[];
    status: number;
    retryAfter?: string;
    body?: RegExp;
  }> = [
    { name: 'all stored', results: [ok('a'), ok('b')], status: 204 },
    {
      name: 'one backend shed load',
      results: [ok('a'), { backend: 'b', batch: SOME_SAMPLES, result: { kind: 'shed', retryAfterMs: 1000 } }],
      status: 503,
      retryAfter: '1',
      body: /b: overloaded/,
    },
    {
      name: 'retryable failure with a backend hint',
      results: [
        {
          backend: 'a',
          batch: SOME_SAMPLES,
          result: { kind: 'failed', error: new RetryableError('DOWN', 'down', { retryAfterMs: 4500 }) },
        },
      ],
      status: 503,
      retryAfter: '5',
      body: /a: down \(DOWN\)/,
    },
    {
      name: 'permanent failure',
      results: [
        ok('a'),
        {
          backend: 'b',
          batch: SOME_SAMPLES,
          result: { kind: 'failed', error: new PermanentError('BAD', 'bad data') },
        },
      ],
      status: 400,
      body: /b: bad data \(BAD\)/,
    },
    {
      name: 'partial rejection is reported, not hidden',
      results: [
        {
          backend: 'a',
          batch: SOME_SAMPLES,
          result: {
            kind: 'written',
            outcome: { written: 5, rejected: [{ reason: 'nul_in_label', count: 2, example: 'x' }] },
          },
        },
      ],
      status: 400,
      body: /2 sample\(s\) rejected \(nul_in_label\)/,
    },
    {
      name: 'retryable wins over permanent: a retry can still deliver the rest',
      results: [
        {
          backend: 'a',
          batch: SOME_SAMPLES,
          result: { kind: 'failed', error: new PermanentError('BAD', 'bad') },
        },
        {
          backend: 'b',
          batch: SOME_SAMPLES,
          result: { kind: 'failed', error: new RetryableError('DOWN', 'down') },
        },
      ],
      status: 503,
      retryAfter: '1',
      body: /b: down.*a: bad/,
    },
  ];
  for (const c of cases) {
    const answer = writeAnswer(c.results);
    assert.equal(answer.status, c.status, c.name);
    if (c.retryAfter) assert.equal(answer.headers['Retry-After'], c.retryAfter, c.name);
    else assert.equal(answer.headers['Retry-After'], undefined, c.name);
    if (c.body) assert.match(answer.body, c.body, c.name);
  }
});
