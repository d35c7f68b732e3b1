// Label sets → metric + tags: the legacy adapter's names for a table of label sets, the key
// scheme, the placeholder tag, the tag limit, and label sets restored exactly.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareUtf8, sortLabels, type Label } from '../../src/adapter.js';
import { isMapped, mapSeries, unmapSeries, type MappedSeries } from './series-mapping.js';

const options = { placeholderKey: 'promgate_placeholder', placeholderValue: 'none', maxTags: 8 };
const labels = (o: Record<string, string>): Label[] =>
  sortLabels(Object.entries(o).map(([name, value]) => ({ name, value })));

function mapped(o: Record<string, string>): MappedSeries {
  const m = mapSeries(labels(o), options);
  assert.ok(isMapped(m), JSON.stringify(m));
  return m;
}

// [labels, metric, tags]: what the legacy remote_storage_adapter sent (protocols.md §6.4).
const LEGACY_TABLE: readonly [Record<string, string>, string, Record<string, string>][] = [
  [{ __name__: 'up', job: 'node', instance: 'host:9100' }, 'up', { job: 'node', instance: 'host_.9100' }],
  [
    { __name__: 'http_requests_total', code: '200', handler: '/api/v1/query' },
    'http__requests__total',
    { code: '200', handler: '/api/v1/query' },
  ],
  [{ __name__: 'test:metric', le: '+Inf' }, 'test_.metric', { le: '_2BInf' }],
  [
    { __name__: 'node_filesystem_avail_bytes', mountpoint: '/var/lib', fstype: 'ext4' },
    'node__filesystem__avail__bytes',
    { mountpoint: '/var/lib', fstype: 'ext4' },
  ],
  [{ __name__: 'x', url: 'http://example.org:8080' }, 'x', { url: 'http_.//example.org_.8080' }],
  [{ __name__: 'x', v: 'abc!ABC:012-3!45ö67~89./' }, 'x', { v: 'abc_21ABC_.012-3_2145_C3_B667_7E89./' }],
  [
    { __name__: 'x', quantile: '0.99', path_name: "it's a b" },
    'x',
    { quantile: '0.99', path_name: 'it_27s_20a_20b' },
  ],
];

describe('opentsdb series mapping', () => {
  for (const [set, metric, tags] of LEGACY_TABLE) {
    it(`maps ${JSON.stringify(set)} as the legacy adapter did`, () => {
      const m = mapped(set);
      assert.equal(m.metric, metric);
      assert.deepEqual({ ...m.tags }, tags);
      assert.deepEqual(sortLabels(unmapSeries(m.metric, m.tags, options.placeholderKey)), labels(set));
    });
  }

  it('escapes label names outside [A-Za-z0-9_] behind the key mark, reversibly', () => {
    const set = { __name__: 'm', 'http.method': 'GET', 'k8s:pod': 'p', 'ünï cödé': 'x', '.dot': 'y' };
    const m = mapped(set);
    assert.deepEqual(
      Object.keys(m.tags).sort(),
      ['..dot', '.http.method', '.k8s_.pod', '._C3_BCn_C3_AF_20c_C3_B6d_C3_A9'].sort(),
    );
    assert.deepEqual(sortLabels(unmapSeries(m.metric, m.tags, options.placeholderKey)), labels(set));
  });

  it('gives a series with only __name__ the placeholder tag and drops it on read', () => {
    const m = mapped({ __name__: 'lonely' });
    assert.deepEqual({ ...m.tags }, { promgate_placeholder: 'none' });
    assert.deepEqual(unmapSeries(m.metric, m.tags, options.placeholderKey), [
      { name: '__name__', value: 'lonely' },
    ]);
  });

  it('keeps a real label named like the placeholder key distinct from the placeholder', () => {
    const set = { __name__: 'm', promgate_placeholder: 'none' };
    const m = mapped(set);
    assert.deepEqual({ ...m.tags }, { '.promgate__placeholder': 'none' });
    assert.deepEqual(sortLabels(unmapSeries(m.metric, m.tags, options.placeholderKey)), labels(set));
  });

  it('rejects a series over max_tags with a clear reason, never truncates', () => {
    const set: Record<string, string> = { __name__: 'wide' };
    for (let i = 0; i < 8; i++) set[`l${i}`] = 'v';
    assert.ok(isMapped(mapSeries(labels(set), options)));
    set.l8 = 'v';
    const m = mapSeries(labels(set), options);
    assert.ok(!isMapped(m));
    assert.equal(m.reason, 'too_many_tags');
    assert.match(m.message, /9 labels besides __name__; max_tags is 8/);
  });

  it('rejects a series without a metric name', () => {
    const m = mapSeries(labels({ job: 'x' }), options);
    assert.ok(!isMapped(m) && m.reason === 'no_metric_name');
  });

  it('restores random label sets exactly (property test, seeded)', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'Z', '0', '_', '.', ':', '-', '/', ' ', '\n', 'B', 'é', '世', '😀', '\u0001', 'F'];
    const word = () => {
      let s = '';
      const n = 1 + rand(6);
      for (let i = 0; i < n; i++) s += alphabet[rand(alphabet.length)];
      return s;
    };
    for (let round = 0; round < 3000; round++) {
      const set: Record<string, string> = { __name__: word() };
      const n = rand(8);
      for (let i = 0; i < n; i++) set[word()] = word();
      const m = mapped(set);
      for (const s of [m.metric, ...Object.keys(m.tags), ...Object.values(m.tags)])
        assert.match(s, /^[A-Za-z0-9._/-]+$/);
      const back = unmapSeries(m.metric, m.tags, options.placeholderKey).sort((a, b) =>
        compareUtf8(a.name, b.name),
      );
      assert.deepEqual(back, labels(set));
    }
  });
});
