// What node-postgres and PGlite throw, mapped to the two classes, as a case table.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, RetryableError } from '../../src/adapter.js';
import { classifyPgError } from './errors.js';

function sqlError(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

const CASES: [what: string, err: unknown, cls: 'retryable' | 'permanent', code: string][] = [
  [
    'connection refused',
    sqlError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'),
    'retryable',
    'PG_UNAVAILABLE',
  ],
  ['connection reset', sqlError('ECONNRESET'), 'retryable', 'PG_UNAVAILABLE'],
  ['terminated', new Error('Connection terminated unexpectedly'), 'retryable', 'PG_UNAVAILABLE'],
  ['pool exhausted', new Error('timeout exceeded when trying to connect'), 'retryable', 'PG_POOL_TIMEOUT'],
  ['client read timeout', new Error('Query read timeout'), 'retryable', 'PG_TIMEOUT'],
  ['admin shutdown', sqlError('57P01'), 'retryable', 'PG_UNAVAILABLE'],
  ['starting up', sqlError('57P03'), 'retryable', 'PG_UNAVAILABLE'],
  ['statement timeout', sqlError('57014'), 'retryable', 'PG_TIMEOUT'],
  ['connection exception', sqlError('08006'), 'retryable', 'PG_UNAVAILABLE'],
  ['disk full', sqlError('53100'), 'retryable', 'PG_RESOURCES'],
  ['too many connections', sqlError('53300'), 'retryable', 'PG_RESOURCES'],
  ['serialization failure', sqlError('40001'), 'retryable', 'PG_CONFLICT'],
  ['deadlock', sqlError('40P01'), 'retryable', 'PG_CONFLICT'],
  ['lock not available', sqlError('55P03'), 'retryable', 'PG_CONFLICT'],
  ['unique race', sqlError('23505'), 'retryable', 'PG_CONFLICT'],
  ['read-only standby', sqlError('25006'), 'retryable', 'PG_SETUP'],
  ['no privilege', sqlError('42501'), 'retryable', 'PG_SETUP'],
  ['table dropped', sqlError('42P01'), 'retryable', 'PG_SETUP'],
  ['bad password', sqlError('28P01'), 'retryable', 'PG_SETUP'],
  ['no database', sqlError('3D000'), 'retryable', 'PG_SETUP'],
  ['invalid text', sqlError('22P02'), 'permanent', 'PG_DATA'],
  ['NUL byte', sqlError('22021'), 'permanent', 'PG_DATA'],
  ['index row too large', sqlError('54000'), 'permanent', 'PG_LIMIT'],
  ['check violation', sqlError('23514'), 'permanent', 'PG_CONSTRAINT'],
  ['internal error', sqlError('XX000'), 'retryable', 'PG_ERROR'],
  ['anything else', new Error('something odd'), 'retryable', 'PG_UNCLASSIFIED'],
  ['a string', 'weird', 'retryable', 'PG_UNCLASSIFIED'],
];

describe('classifyPgError', () => {
  for (const [what, err, cls, code] of CASES) {
    it(`${what} → ${cls} ${code}`, () => {
      const got = classifyPgError(err, 'write');
      assert.ok(got instanceof (cls === 'retryable' ? RetryableError : PermanentError), `${got.name}`);
      assert.equal(got.code, code);
      assert.match(got.message, /PostgreSQL write failed/);
    });
  }

  it('passes typed errors through unchanged', () => {
    const e = new RetryableError('CLOSED', 'closed');
    assert.equal(classifyPgError(e, 'write'), e);
  });
});
