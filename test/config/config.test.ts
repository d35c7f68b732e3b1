import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  backendCommonOptions,
  logOptions,
  parseConfig,
  webOptions,
  writeOptions,
} from '../../src/config/config.js';
import { parseFlags } from '../../src/config/flags.js';
import { parseDuration } from '../../src/config/options.js';
import { ConfigError } from '../../src/errors.js';
import { adapterTypes, findAdapterKind } from '../../src/registry.js';

test('no configuration at all: PGlite in ./data, read and write, on :9201', () => {
  const c = parseConfig(undefined);
  assert.equal(c.web.listen_address, ':9201');
  assert.equal(c.web.telemetry_path, '/metrics');
  assert.equal(c.backends.length, 1);
  assert.equal(c.backends[0]!.type, 'postgres');
  assert.equal(c.backends[0]!.read, true);
  assert.equal(c.backends[0]!.options.url, 'pglite://./data');
});

test('the public contract keys parse as documented', () => {
  const c = parseConfig({
    web: { listen_address: '127.0.0.1:9301' },
    backends: [
      { name: 'longterm', type: 'postgres', url: 'postgres://promgate@db:5432/metrics', read: true },
    ],
  });
  assert.equal(c.web.listen_address, '127.0.0.1:9301');
  assert.equal(c.backends[0]!.name, 'longterm');
  assert.equal(c.backends[0]!.options.url, 'postgres://promgate@db:5432/metrics');
});

test('validation messages name the bad key, what was expected and what was found', () => {
  const pg = { name: 'pg', type: 'postgres', url: 'postgres://x@h/db' };
  const cases: Array<[unknown, RegExp]> = [
    [{ wbe: {} }, /^wbe: unknown key/],
    [{ web: { listen_adress: ':1' } }, /^web\.listen_adress: unknown key/],
    [{ web: { listen_address: 'nope' } }, /^web\.listen_address: expected host:port.*found "nope"/],
    [{ web: { write_timeout: 'soon' } }, /^web\.write_timeout: expected a duration.*found "soon"/],
    [{ web: { max_body_size: '12 parsecs' } }, /^web\.max_body_size: expected a size/],
    [{ log: { level: 'loud' } }, /^log\.level: expected one of debug, info, warn, error, found "loud"/],
    [{ backends: [] }, /^backends: expected a non-empty list/],
    [{ backends: [{ ...pg, type: 'cassandra' }] }, /^backends\[0\]\.type: unknown backend type "cassandra"/],
    [
      { backends: [{ type: 'postgres', url: 'postgres://h/db' }] },
      /^backends\[0\]\.name: required key is missing/,
    ],
    [{ backends: [pg, pg] }, /^backends\[1\]\.name: duplicate backend name "pg"/],
    [{ backends: [{ ...pg, read: 'yes' }] }, /^backends\[0\]\.read: expected true or false, found "yes"/],
    [{ backends: [{ ...pg, colour: 'blue' }] }, /^backends\[0\]\.colour: unknown key/],
    [
      { backends: [{ ...pg, max_concurrency: 0 }] },
      /^backends\[0\]\.max_concurrency: expected an integer >= 1/,
    ],
  ];
  for (const [raw, message] of cases) {
    assert.throws(
      () => parseConfig(raw),
      (err: unknown) => err instanceof ConfigError && message.test(err.message),
      JSON.stringify(raw),
    );
  }
});

test('a URL password never appears in a configuration error', () => {
  assert.throws(
    () => parseConfig({ backends: [{ name: 'pg', type: 'postgres', url: 'mysql://app:s3cret@db/x' }] }),
    (err: unknown) =>
      err instanceof ConfigError && err.message.includes('app:***@db') && !err.message.includes('s3cret'),
  );
});

test('durations parse like Prometheus durations', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('30'), undefined);
  assert.equal(parseDuration('-1s'), undefined);
});

test('flags: contract flags in both forms; unknown flags and missing values fail clearly', () => {
  const f = parseFlags([
    '--config.file=/etc/promgate.yml',
    '--web.listen-address',
    '127.0.0.1:9201',
    '--web.telemetry-path=/m',
  ]);
  assert.equal(f.configFile, '/etc/promgate.yml');
  assert.equal(f.listenAddress, '127.0.0.1:9201');
  assert.equal(f.telemetryPath, '/m');
  assert.throws(() => parseFlags(['--no-such-flag=1']), /--no-such-flag: unknown flag/);
  assert.throws(() => parseFlags(['--web.listen-address']), /expected a value/);
});

test('README documents every configuration key that is declared', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const sections: Array<[string, Record<string, unknown>]> = [
    ['web', webOptions],
    ['write', writeOptions],
    ['log', logOptions],
    ['backends[]', backendCommonOptions],
  ];
  for (const [section, schema] of sections) {
    for (const key of Object.keys(schema)) {
      assert.ok(readme.includes(`\`${key}\``), `README.md lacks ${section} key \`${key}\``);
    }
  }
  for (const type of adapterTypes()) {
    const adapterReadme = readFileSync(
      new URL(`../../../adapters/${type}/README.md`, import.meta.url),
      'utf8',
    );
    for (const key of Object.keys(findAdapterKind(type)!.options)) {
      assert.ok(adapterReadme.includes(`\`${key}\``), `adapters/${type}/README.md lacks key \`${key}\``);
    }
  }
});
