// The options: validated without I/O with messages naming the key, and the README's options
// table in step with options.ts (style.md convention 3).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, parseOptions } from '../../src/adapter.js';
import { endpointPath } from './adapter.js';
import { opentsdbAdapterKind } from './index.js';

const parse = (raw: unknown) => parseOptions(opentsdbAdapterKind.options, raw, 'backends[0]');

describe('opentsdb options', () => {
  it('fills defaults', () => {
    const o = parse({ url: 'http://tsdb:4242' });
    assert.equal(o.max_tags, 8);
    assert.equal(o.timeout, 30_000);
    assert.equal(o.placeholder_tag_key, 'promgate_placeholder');
  });

  for (const [raw, message] of [
    [{}, /backends\[0\]\.url: required key is missing/],
    [{ url: 'tsdb:4242' }, /backends\[0\]\.url: expected an http:\/\/ or https:\/\/ URL/],
    [{ url: 'http://t', max_tags: 0 }, /backends\[0\]\.max_tags: expected an integer >= 1/],
    [
      { url: 'http://t', placeholder_tag_key: 'a b' },
      /backends\[0\]\.placeholder_tag_key: expected a tag key/,
    ],
    [{ url: 'http://t', timeout: 5 }, /backends\[0\]\.timeout: expected a duration/],
    [{ url: 'http://t', maxtags: 5 }, /backends\[0\]\.maxtags: unknown key/],
  ] as const) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      assert.throws(
        () => parse(raw),
        (err) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('rejects a malformed URL in validate() without echoing it', () => {
    assert.throws(
      () => opentsdbAdapterKind.validate!(parse({ url: 'http://u:secret@[bad' }), 'backends[0]'),
      (err) =>
        err instanceof ConfigError &&
        /^backends\[0\]\.url: expected a URL/.test(err.message) &&
        !err.message.includes('secret'),
    );
  });

  it('replaces the URL path by the endpoint, as the legacy adapter did', () => {
    assert.equal(endpointPath('http://tsdb:4242', '/api/put'), '/api/put');
    assert.equal(endpointPath('http://tsdb:4242/some/path?x=1', '/api/query'), '/api/query');
  });

  it('is documented in the README table, key by key, with the same defaults', () => {
    const readme = readFileSync(new URL('../../../adapters/opentsdb/README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Options'), readme.indexOf('## Mapping'));
    const rows = new Map<string, { type: string; default: string }>();
    for (const m of section.matchAll(/^\| `([a-z_]+)` \| (\w+) \| ([^|]+) \|/gm)) {
      rows.set(m[1]!, { type: m[2]!, default: m[3]!.trim().replace(/^`|`$/g, '') });
    }
    assert.deepEqual([...rows.keys()], Object.keys(opentsdbAdapterKind.options));
    for (const [key, option] of Object.entries(opentsdbAdapterKind.options)) {
      assert.equal(rows.get(key)!.type, option.kind, `${key} type`);
      assert.equal(
        rows.get(key)!.default,
        option.required ? 'required' : option.defaultText,
        `${key} default`,
      );
    }
  });
});
