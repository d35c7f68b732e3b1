// The legacy remote_storage_adapter's flags configure the same backends it wrote to
// (protocols.md §6.1), validated like entries of the configuration file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import { parseFlags } from '../../src/config/flags.js';
import { legacyBackends } from '../../src/config/legacy-flags.js';

test('legacy flags map to backends with the legacy defaults, INFLUXDB_PW as the password', () => {
  const flags = parseFlags([
    '--graphite-address=127.0.0.1:2003',
    '--opentsdb-url',
    'http://tsdb:4242/',
    '--influxdb-url=http://influx:8086',
    '--influxdb.username=prom',
  ]);
  const backends = legacyBackends(flags, { INFLUXDB_PW: 's3cret' });
  assert.deepEqual(backends, [
    { name: 'graphite', type: 'graphite', address: '127.0.0.1:2003', transport: 'tcp', mode: 'path' },
    { name: 'opentsdb', type: 'opentsdb', url: 'http://tsdb:4242/' },
    {
      name: 'influxdb',
      type: 'influxdb',
      url: 'http://influx:8086',
      api: 'v1',
      database: 'prometheus',
      retention_policy: 'autogen',
      username: 'prom',
      password: 's3cret',
      read: true,
    },
  ]);
  const config = parseConfig({ backends });
  assert.deepEqual(
    config.backends.map((b) => [b.name, b.type, b.read]),
    [
      ['graphite', 'graphite', false],
      ['opentsdb', 'opentsdb', false],
      ['influxdb', 'influxdb', true],
    ],
  );
});

test('explicit legacy values win; no backend flag means no legacy backend', () => {
  const flags = parseFlags([
    '--graphite-address=carbon:2003',
    '--graphite-transport=udp',
    '--graphite-prefix=prom.',
    '--influxdb-url=http://influx:8086',
    '--influxdb.database=metrics',
    '--influxdb.retention-policy=weekly',
    '--send-timeout=5s',
  ]);
  const [graphite, influx] = legacyBackends(flags, {});
  assert.equal(graphite!.transport, 'udp');
  assert.equal(graphite!.prefix, 'prom.');
  assert.equal(influx!.database, 'metrics');
  assert.equal(influx!.retention_policy, 'weekly');
  assert.equal(influx!.username, undefined);
  assert.equal(influx!.timeout, '5s', '--send-timeout bounds each backend call, as in the legacy adapter');
  assert.deepEqual(legacyBackends(parseFlags(['--web.listen-address=:9201']), {}), []);
});
