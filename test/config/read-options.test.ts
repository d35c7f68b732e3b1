// web.read_max_bytes_in_frame: default as Prometheus' --storage.remote.read-max-bytes-in-frame,
// sizes in either form, and anything not above zero refused at start-up naming the key.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/errors.js';

const backends = [{ name: 'pg', type: 'postgres', url: 'pglite://./data' }];

test('web.read_max_bytes_in_frame defaults to 1048576 bytes and takes sizes', () => {
  assert.equal(parseConfig({ backends }).web.read_max_bytes_in_frame, 1_048_576);
  assert.equal(
    parseConfig({ backends, web: { read_max_bytes_in_frame: '64KiB' } }).web.read_max_bytes_in_frame,
    65_536,
  );
  assert.equal(parseConfig({ backends, web: { read_max_bytes_in_frame: 1 } }).web.read_max_bytes_in_frame, 1);
});

test('web.read_max_bytes_in_frame must be above zero; the message names the key', () => {
  for (const bad of [0, -1, '0KiB', '0B', 'lots', 1.5]) {
    assert.throws(
      () => parseConfig({ backends, web: { read_max_bytes_in_frame: bad } }),
      (err: unknown) =>
        err instanceof ConfigError && /^web\.read_max_bytes_in_frame: expected a size/.test(err.message),
      JSON.stringify(bad),
    );
  }
});
