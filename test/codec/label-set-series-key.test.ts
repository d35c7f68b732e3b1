// The label builder's series (labels, key, metric name) must equal makeSeriesRef of the same
// labels: the key is built straight from the label bytes when nothing needs JSON escaping, and
// adapters rely on its exact format. Also checks that the series cache's copied keys stay
// intact when the request buffer is reused.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLabelBuilder } from '../../src/codec/label-set.js';
import { createSeriesCache } from '../../src/codec/series-cache.js';
import { makeSeriesRef, seriesKey, type Label } from '../../src/model.js';
import { xorshift32 } from '../support/bits.js';

const NO_LIMITS = { maxLabels: Infinity, maxNameBytes: Infinity, maxValueBytes: Infinity };

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** Raw Label fields (field 1 of TimeSeries) for these labels, empty values sent as sent. */
function labelFields(labels: readonly Label[]): Buffer {
  const parts: number[] = [];
  for (const { name, value } of labels) {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    const body = [0x0a, ...varint(n.length), ...n, 0x12, ...varint(v.length), ...v];
    parts.push(0x0a, ...varint(body.length), ...body);
  }
  return Buffer.from(parts);
}

// Characters JSON escapes or treats specially, next to ordinary ones.
const ALPHABET = [
  'a',
  'z',
  '_',
  '0',
  ' ',
  '"',
  '\\',
  '/',
  '\u0000',
  '\u0001',
  '\n',
  '\t',
  '\u001f',
  '\u007f',
  '\u0080',
  'é',
  '\u2028',
  '\u2029',
  '\uFFFD',
  '\u{1F600}',
  '\u{10FFFF}',
];

function randomString(rand: () => number, maxLen: number, hostile: boolean): string {
  const len = Math.floor(rand() * (maxLen + 1));
  let s = '';
  for (let i = 0; i < len; i++) {
    s += hostile
      ? ALPHABET[Math.floor(rand() * ALPHABET.length)]!
      : String.fromCharCode(0x20 + Math.floor(rand() * 0x5f));
  }
  return s;
}

/** Sorted by UTF-8 bytes, unique, non-empty names (as Prometheus sends them). */
function randomLabels(rand: () => number, hostile: boolean): Label[] {
  const count = Math.floor(rand() * 14);
  const byName = new Map<string, string>();
  if (rand() < 0.7) byName.set('__name__', randomString(rand, 30, hostile && rand() < 0.3) || 'm');
  for (let i = 0; i < count; i++) {
    const name = randomString(rand, 12, hostile && rand() < 0.5) || 'n';
    byName.set(
      name,
      rand() < 0.1 ? '' : randomString(rand, rand() < 0.1 ? 300 : 40, hostile && rand() < 0.5),
    );
  }
  return [...byName]
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

function assertSameSeries(labels: readonly Label[], build: ReturnType<typeof createLabelBuilder>): void {
  const raw = labelFields(labels);
  // Surrounded by other bytes, as in a request body.
  const src = Buffer.concat([Buffer.from([0x12, 0x7f, 0x5c]), raw, Buffer.from([0x22, 0x00])]);
  const got = build(src, 3, 3 + raw.length);
  const kept = labels.filter((l) => l.value !== '');
  const want = makeSeriesRef(kept);
  assert.deepEqual(got.labels, want.labels);
  assert.equal(got.key, want.key);
  assert.equal(got.key, seriesKey(kept));
  assert.equal(got.key, JSON.stringify(kept.flatMap((l) => [l.name, l.value])));
  assert.equal(got.metricName, want.metricName);
  assert.deepEqual(Object.keys(got), Object.keys(want));
}

describe('label builder: series equal makeSeriesRef of their labels', () => {
  const cases: [string, Label[]][] = [
    ['no labels sent', []],
    ['only empty values', [{ name: 'a', value: '' }]],
    ['one label', [{ name: '__name__', value: 'up' }]],
    [
      'typical',
      [
        { name: '__name__', value: 'container_cpu_usage_seconds_total' },
        { name: 'container', value: 'app' },
        { name: 'id', value: '/kubepods/burstable/pod0d9b4a0e-3c4f-4a55-9d1e-5e3c0b1a2f77' },
        { name: 'job', value: 'cadvisor' },
      ],
    ],
    ['quote in a value', [{ name: 'a', value: 'say "hi"' }]],
    ['backslash in a value', [{ name: 'path', value: 'C:\\temp\\x' }]],
    ['control characters', [{ name: 'a', value: '\u0000\u0001\b\f\n\r\t\u001f' }]],
    ['DEL is not escaped', [{ name: 'a', value: 'x\u007fy' }]],
    ['quote in a name', [{ name: 'a"b', value: 'v' }]],
    ['non-ASCII', [{ name: 'a', value: 'grüße \u2028 \u{1F600}' }]],
    ['non-ASCII name', [{ name: 'é', value: 'v' }]],
    ['a 5 KB value', [{ name: 'a', value: 'x'.repeat(5000) }]],
    [
      '200 labels',
      Array.from({ length: 200 }, (_, i) => ({ name: `l${String(i).padStart(3, '0')}`, value: `${i}` })),
    ],
  ];
  for (const [name, labels] of cases) {
    it(name, () => assertSameSeries(labels, createLabelBuilder(NO_LIMITS)));
  }

  it('random label sets, one builder for all (names guessed from the previous series)', () => {
    for (const hostile of [false, true]) {
      const rand = xorshift32(hostile ? 7 : 3);
      const build = createLabelBuilder(NO_LIMITS);
      for (let i = 0; i < 3000; i++) assertSameSeries(randomLabels(rand, hostile), build);
    }
  });

  it('names of equal length at the same position are told apart', () => {
    const build = createLabelBuilder(NO_LIMITS);
    for (const n of ['ab', 'ac', 'ab', 'bb', 'ab']) {
      assertSameSeries(
        [
          { name: '__name__', value: 'm' },
          { name: n, value: 'v' },
        ],
        build,
      );
    }
  });
});

describe('series cache: copied keys', () => {
  it('stay intact and keep their SeriesRef when the request buffer is reused', () => {
    const cache = createSeriesCache(100_000, createLabelBuilder(NO_LIMITS));
    const sets = Array.from({ length: 3000 }, (_, i) => [
      { name: '__name__', value: `metric_${i % 17}` },
      // Now and then a key larger than Buffer's 8 KB pool.
      { name: 'id', value: `${i}-${'x'.repeat(i % 500 === 0 ? 20_000 : i % 97)}` },
    ]);
    const refs = sets.map((labels) => {
      const src = labelFields(labels);
      const ref = cache.lookup(src, 0, src.length).ref;
      src.fill(0); // the cache must not keep a view of the request buffer
      return ref;
    });
    const built = cache.built();
    sets.forEach((labels, i) => {
      const src = labelFields(labels);
      const entry = cache.lookup(src, 0, src.length);
      assert.equal(entry.ref, refs[i]);
      assert.deepEqual(entry.key, src);
    });
    assert.equal(cache.built(), built);
    assert.equal(cache.size(), sets.length);
  });
});
