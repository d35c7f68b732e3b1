// Classification of whole-request answers and of per-point `details` errors.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, RetryableError } from '../../src/adapter.js';
import { networkError, pointErrorReason, statusError } from './errors.js';

describe('opentsdb errors', () => {
  for (const [status, cls, code] of [
    [500, RetryableError, 'OPENTSDB_UNAVAILABLE'],
    [503, RetryableError, 'OPENTSDB_UNAVAILABLE'],
    [429, RetryableError, 'OPENTSDB_UNAVAILABLE'],
    [408, RetryableError, 'OPENTSDB_UNAVAILABLE'],
    [404, RetryableError, 'OPENTSDB_SETUP'],
    [401, RetryableError, 'OPENTSDB_SETUP'],
    [413, PermanentError, 'OPENTSDB_TOO_LARGE'],
    [400, PermanentError, 'OPENTSDB_REJECTED'],
  ] as const) {
    it(`HTTP ${status} → ${cls.name} ${code}`, () => {
      const err = statusError(status, '{"error":{"code":1,"message":"why"}}', undefined, 'put');
      assert.ok(err instanceof cls);
      assert.equal(err.code, code);
      assert.match(err.message, /HTTP \d+: why/);
    });
  }

  it('passes Retry-After on', () => {
    const err = statusError(503, 'busy', '7', 'put');
    assert.ok(err instanceof RetryableError && err.retryAfterMs === 7000);
  });

  it('treats socket failures as retryable', () => {
    const err = networkError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'put',
    );
    assert.equal(err.code, 'OPENTSDB_UNAVAILABLE');
    assert.equal(networkError(new Error('odd'), 'put').code, 'OPENTSDB_UNCLASSIFIED');
  });

  for (const [error, reason] of [
    ["No such name for 'metrics': 'sys.cpu'", 'unknown_metric'],
    ['Too many tags: 9 maximum allowed: 8', 'too_many_tags'],
    ['value is NaN or Infinite', 'unsupported_value'],
    ['Invalid tag value ("a b"): illegal character: ', 'invalid_name'],
    ['Invalid timestamp', 'invalid_timestamp'],
    ['something else', 'backend_rejected'],
  ] as const) {
    it(`reads point error ${JSON.stringify(error)} as ${reason}`, () =>
      assert.equal(pointErrorReason(error), reason));
  }
});
