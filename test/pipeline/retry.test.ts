import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, RetryableError } from '../../src/errors.js';
import { withRetries } from '../../src/pipeline/retry.js';

test('retryable errors are retried with backoff until success', async () => {
  let calls = 0;
  const delays: number[] = [];
  const result = await withRetries(
    async () => {
      calls++;
      if (calls < 3) throw new RetryableError('DOWN', 'down');
      return 'ok';
    },
    { deadline: Date.now() + 5_000, onRetry: (_e, _n, d) => delays.push(d) },
  );
  assert.equal(result, 'ok');
  assert.equal(calls, 3);
  assert.deepEqual(delays, [50, 100]);
});

test('a permanent error is not retried', async () => {
  let calls = 0;
  await assert.rejects(
    withRetries(
      async () => {
        calls++;
        throw new PermanentError('BAD', 'bad');
      },
      { deadline: Date.now() + 5_000 },
    ),
    PermanentError,
  );
  assert.equal(calls, 1);
});

test('unclassified errors count as retryable, and retries stop at the deadline', async () => {
  let calls = 0;
  const started = Date.now();
  await assert.rejects(
    withRetries(
      async () => {
        calls++;
        throw new Error('boom');
      },
      { deadline: Date.now() + 400 },
    ),
    (err: unknown) => err instanceof RetryableError && err.code === 'UNCLASSIFIED',
  );
  assert.ok(calls >= 2, `retried (${calls} calls)`);
  assert.ok(Date.now() - started < 1_000, 'gave up near the deadline');
});

test('an attempt that hangs is aborted at the deadline and reported as a timeout', async () => {
  await assert.rejects(
    withRetries(
      (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      { deadline: Date.now() + 200 },
    ),
    (err: unknown) => err instanceof RetryableError && err.code === 'TIMEOUT',
  );
});

test("a backend's retry-after hint lengthens the wait", async () => {
  const delays: number[] = [];
  let calls = 0;
  await withRetries(
    async () => {
      if (++calls === 1) throw new RetryableError('BUSY', 'busy', { retryAfterMs: 300 });
      return 1;
    },
    { deadline: Date.now() + 5_000, onRetry: (_e, _n, d) => delays.push(d) },
  );
  assert.deepEqual(delays, [300]);
});
