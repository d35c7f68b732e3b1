// The options: validated without I/O with messages naming the key, and the README's options
// table in step with options.ts (style.md convention 3).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, parseOptions } from '../../src/adapter.js';
import { postgresAdapterKind } from './index.js';
import { pgliteDataDir } from './driver-pglite.js';

const parse = (raw: unknown) => parseOptions(postgresAdapterKind.options, raw, 'backends[0]');

describe('postgres options', () => {
  it('fills defaults', () => {
    const o = parse({ url: 'pglite://memory' });
    assert.equal(o.schema, 'promgate');
    assert.equal(o.statement_timeout, 60_000);
    assert.equal(o.max_connections, 4);
  });

  for (const [raw, message] of [
    [{}, /backends\[0\]\.url: required key is missing/],
    [
      { url: 'mysql://x' },
      /backends\[0\]\.url: expected a postgres:\/\/, postgresql:\/\/ or pglite:\/\/ URL, found "mysql:\/\/x"/,
    ],
    [
      { url: 'pglite://memory', schema: 'Bad-Name' },
      /backends\[0\]\.schema: expected a lower-case identifier/,
    ],
    [{ url: 'pglite://memory', schema: 'x"; DROP' }, /backends\[0\]\.schema/],
    [
      { url: 'pglite://memory', max_connections: 0 },
      /backends\[0\]\.max_connections: expected an integer >= 1/,
    ],
    [{ url: 'pglite://memory', connect_timeout: 5 }, /backends\[0\]\.connect_timeout: expected a duration/],
    [{ url: 'pglite://memory', series_cache: 5 }, /backends\[0\]\.series_cache: unknown key/],
  ] as const) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      assert.throws(
        () => parse(raw),
        (err) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('rejects a malformed server URL in validate(), without echoing it (it may hold a password)', () => {
    const validate = postgresAdapterKind.validate!;
    assert.throws(
      () => validate(parse({ url: 'postgres://u:secret@[bad/db' }), 'backends[0]'),
      (err) =>
        err instanceof ConfigError &&
        /^backends\[0\]\.url: expected a URL/.test(err.message) &&
        !err.message.includes('secret'),
    );
    validate(parse({ url: 'postgres://u:p@db.example:5432/metrics?sslmode=require' }), 'backends[0]');
    validate(parse({ url: 'postgresql:///metrics?host=/var/run/postgresql' }), 'backends[0]');
    validate(parse({ url: 'pglite://./data' }), 'backends[0]');
  });

  it('reads pglite URLs as a directory or memory', () => {
    assert.equal(pgliteDataDir('pglite://memory'), undefined);
    assert.equal(pgliteDataDir('pglite:///var/lib/promgate'), '/var/lib/promgate');
    assert.equal(pgliteDataDir('pglite://./data/promgate'), `${process.cwd()}/data/promgate`);
  });

  it('is documented in the README table, key by key, with the same defaults', () => {
    const readme = readFileSync(new URL('../../../adapters/postgres/README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Options'), readme.indexOf('## Schema'));
    const rows = new Map<string, { type: string; default: string }>();
    for (const m of section.matchAll(/^\| `([a-z_]+)` \| (\w+) \| ([^|]+) \|/gm)) {
      rows.set(m[1]!, { type: m[2]!, default: m[3]!.trim().replace(/^`|`$/g, '') });
    }
    assert.deepEqual([...rows.keys()], Object.keys(postgresAdapterKind.options));
    for (const [key, option] of Object.entries(postgresAdapterKind.options)) {
      assert.equal(rows.get(key)!.type, option.kind, `${key} type`);
      assert.equal(
        rows.get(key)!.default,
        option.required ? 'required' : option.defaultText,
        `${key} default`,
      );
    }
  });
});
