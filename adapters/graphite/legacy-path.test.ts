// `mode: path` naming against expected strings written by hand from the legacy adapter's rules
// (protocols.md §6.3): prefix with no separator, escaped name, `.label.escaped-value` in byte
// order; `. % / =` → %XX with Go's %X (one digit below 0x10), `( ) { } , ' " \` backslashed,
// other visible ASCII unchanged, everything else %XX per UTF-8 byte.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sortLabels } from '../../src/adapter.js';
import { escapeLegacy, legacyPath, parseLegacyPath, unescapeLegacy } from './legacy-path.js';

const labels = (o: Record<string, string>) =>
  sortLabels(Object.entries(o).map(([name, value]) => ({ name, value })));

const CASES: ReadonlyArray<[string, string, Record<string, string>, string]> = [
  ['plain name only', '', { __name__: 'up' }, 'up'],
  [
    'labels sorted by name',
    '',
    { __name__: 'up', job: 'api', instance: 'a:9090' },
    'up.instance.a:9090.job.api',
  ],
  ['prefix without separator', 'prom', { __name__: 'up' }, 'promup'],
  ['prefix with its own dot', 'prometheus.', { __name__: 'up', job: 'x' }, 'prometheus.up.job.x'],
  ['dot in value', '', { __name__: 'm', host: 'a.b.c' }, 'm.host.a%2Eb%2Ec'],
  ['percent in value', '', { __name__: 'm', v: 'foo_bar%42' }, 'm.v.foo_bar%2542'],
  ['URL', '', { __name__: 'm', url: 'http://example.org:8080' }, 'm.url.http:%2F%2Fexample%2Eorg:8080'],
  ['equals', '', { __name__: 'm', q: 'a=b' }, 'm.q.a%3Db'],
  ['backslashed set', '', { __name__: 'm', v: `(){},'"\\` }, `m.v.\\(\\)\\{\\}\\,\\'\\"\\\\`],
  ['space', '', { __name__: 'm', v: 'a b' }, 'm.v.a%20b'],
  ['newline: one hex digit', '', { __name__: 'm', v: 'a\nb' }, 'm.v.a%Ab'],
  ['NUL and tab: one digit', '', { __name__: 'm', v: '\0\t' }, 'm.v.%0%9'],
  ['0x10 and DEL: two digits', '', { __name__: 'm', v: '\x10\x7f' }, 'm.v.%10%7F'],
  ['UTF-8 bytes', '', { __name__: 'm', v: 'é' }, 'm.v.%C3%A9'],
  ['astral character', '', { __name__: 'm', v: '😀' }, 'm.v.%F0%9F%98%80'],
  ['glob characters stay raw', '', { __name__: 'm', v: '*?[]' }, 'm.v.*?[]'],
  ['visible punctuation stays', '', { __name__: 'm', v: '!#$&+-:;<>@^_`|~' }, 'm.v.!#$&+-:;<>@^_`|~'],
  ['name is escaped too', '', { __name__: 'a.b/c' }, 'a%2Eb%2Fc'],
  ['no __name__: path starts with a dot', 'p.', { job: 'x' }, 'p..job.x'],
  [
    'the legacy unit-test fixture',
    'prefix.',
    { __name__: 'test:metric', many_chars: 'abc!ABC:012-3!45ö67~89./(){},=."\\', testlabel: 'test:value' },
    'prefix.test:metric.many_chars.abc!ABC:012-3!45%C3%B667~89%2E%2F\\(\\)\\{\\}\\,%3D%2E\\"\\\\.testlabel.test:value',
  ],
  ['label names are not escaped', '', { __name__: 'm', 'a.b': 'v' }, 'm.a.b.v'],
];

describe('graphite path mode naming (legacy adapter, byte for byte)', () => {
  for (const [what, prefix, set, want] of CASES) {
    it(what, () => assert.equal(legacyPath(prefix, labels(set)), want));
  }

  it('unescapes every value whose bytes below 0x10 are not followed by a hex digit', () => {
    for (const v of ['a.b', '100%', 'é😀', `(){},'"\\`, 'a\nz', ' x ', '%0', '\x7f', 'q\x10r']) {
      assert.equal(unescapeLegacy(escapeLegacy(v)), v, JSON.stringify(v));
    }
  });

  it('reads `%1A` as 0x1A: the legacy format cannot tell it from 0x01 + "A"', () => {
    assert.equal(escapeLegacy('\x01A'), '%1A');
    assert.equal(unescapeLegacy('%1A'), '\x1a');
  });

  it('maps paths back to labels only when unambiguous', () => {
    const set = labels({ __name__: 'up', job: 'a.b', instance: 'x y' });
    assert.deepEqual(parseLegacyPath('p.', legacyPath('p.', set)), [
      { name: '__name__', value: 'up' },
      { name: 'instance', value: 'x y' },
      { name: 'job', value: 'a.b' },
    ]);
    assert.equal(parseLegacyPath('p.', 'q.up'), undefined, 'other prefix');
    assert.equal(parseLegacyPath('', 'up.job'), undefined, 'even node count');
    assert.equal(parseLegacyPath('', 'up.job.a.instance.b'), undefined, 'names out of order');
    assert.equal(parseLegacyPath('', 'up.job.%ZZ'), undefined, 'bad escape');
  });
});
