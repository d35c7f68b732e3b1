// Options: validated without I/O with messages naming the key, and the README's options table in
// step with options.ts (style.md convention 3).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, parseOptions } from '../../src/adapter.js';
import { graphiteAdapterKind } from './index.js';

const parse = (raw: unknown) => parseOptions(graphiteAdapterKind.options, raw, 'backends[0]');

describe('graphite options', () => {
  it('fills defaults', () => {
    const o = parse({ address: '127.0.0.1:2003' });
    assert.equal(o.transport, 'tcp');
    assert.equal(o.mode, 'path');
    assert.equal(o.prefix, '');
    assert.equal(o.render_url, undefined);
    assert.equal(o.max_connections, 2);
  });

  it('accepts an explicit empty prefix and IPv6 addresses', () => {
    assert.equal(parse({ address: '[::1]:2003', prefix: '' }).prefix, '');
  });

  for (const [raw, message] of [
    [{}, /backends\[0\]\.address: required key is missing/],
    [{ address: 'carbon' }, /backends\[0\]\.address: expected host:port/],
    [{ address: 'h:1', transport: 'http' }, /backends\[0\]\.transport: expected one of tcp, udp, pickle/],
    [{ address: 'h:1', mode: 'flat' }, /backends\[0\]\.mode: expected one of path, tags/],
    [{ address: 'h:1', prefix: 'a b' }, /backends\[0\]\.prefix: expected a prefix without whitespace/],
    [{ address: 'h:1', render_url: 'graphite:8080' }, /backends\[0\]\.render_url: expected an http/],
    [{ address: 'h:1', graphite_prefix: 'x' }, /backends\[0\]\.graphite_prefix: unknown key/],
  ] as const) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      assert.throws(
        () => parse(raw),
        (err) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('is documented in the README table, key by key, with the same defaults', () => {
    const readme = readFileSync(new URL('../../../adapters/graphite/README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Options'), readme.indexOf('## Naming'));
    const rows = new Map<string, { type: string; default: string }>();
    for (const m of section.matchAll(/^\| `([a-z_]+)` \| (\w+) \| ([^|]+) \|/gm)) {
      rows.set(m[1]!, { type: m[2]!, default: m[3]!.trim().replace(/^`|`$/g, '') });
    }
    assert.deepEqual([...rows.keys()], Object.keys(graphiteAdapterKind.options));
    for (const [key, option] of Object.entries(graphiteAdapterKind.options)) {
      const want = option.required ? 'required' : (option.defaultText ?? 'none');
      assert.equal(rows.get(key)!.type, option.kind, `${key} type`);
      assert.equal(rows.get(key)!.default, want, `${key} default`);
    }
  });
});
