// Option validation without I/O: messages name the key.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseOptions } from '../../src/adapter.js';
import { influxAdapterKind } from './index.js';

const parse = (raw: Record<string, unknown>) => {
  const options = parseOptions(influxAdapterKind.options, raw, 'backends[0]');
  influxAdapterKind.validate?.(options, 'backends[0]');
  return options;
};

describe('influxdb options', () => {
  it('defaults', () => {
    const o = parse({ url: 'http://influx:8086' });
    assert.equal(o.api, 'v1');
    assert.equal(o.special_values, 'store');
    assert.equal(o.timeout, 30_000);
    assert.equal(o.database, undefined);
  });
  const bad: [Record<string, unknown>, RegExp][] = [
    [{}, /backends\[0\]\.url: required/],
    [{ url: 'influx:8086' }, /backends\[0\]\.url: expected an http/],
    [{ url: 'http://x', api: 'v3' }, /backends\[0\]\.api: expected one of v1, v2/],
    [{ url: 'http://x', api: 'v2', bucket: 'b' }, /backends\[0\]\.org: required with api v2/],
    [{ url: 'http://x', password: 'a', password_file: '/p' }, /password_file: expected only one/],
    [{ url: 'http://x', token: 'a', token_file: '/t' }, /token_file: expected only one/],
    [{ url: 'http://x', special_values: 'keep' }, /special_values: expected one of store, drop/],
    [{ url: 'http://x', nope: 1 }, /nope: unknown key/],
  ];
  for (const [raw, message] of bad) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      assert.throws(
        () => parse(raw),
        (err) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }
});
