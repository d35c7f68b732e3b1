// Line protocol, tag encoding and special values, as case tables (no server needed; the
// behaviour each case relies on was verified on InfluxDB 1.6.7, see README "Escaping").

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeSeriesRef, sortLabels } from '../../src/adapter.js';
import { bitsOf, makeBatch } from '../../test/contract/adapter-contract.js';
import { RejectionTally, encodeBatch, type CachedLine } from './encode-batch.js';
import { seriesLine } from './line-protocol.js';
import { formatFloat, setSpecial, specialName } from './special-values.js';
import { TAG_MARKER, decodeTagValue, encodeTagValue, isHashedTagValue } from './tag-codec.js';
import type { SeriesRef } from '../../src/adapter.js';

const ref = (labels: Record<string, string>) =>
  makeSeriesRef(sortLabels(Object.entries(labels).map(([name, value]) => ({ name, value }))));

describe('seriesLine', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['plain', { __name__: 'up', job: 'api' }, 'up,__name__=up,job=api '],
    [
      'delimiters',
      { __name__: 'a b,c', 'k=1': 'v,w x=y' },
      'a\\ b\\,c,__name__=a\\ b\\,c,k\\=1=v\\,w\\ x\\=y ',
    ],
    ['quotes and inner backslash kept', { __name__: 'm', v: 'q"x\\y' }, 'm,__name__=m,v=q"x\\y '],
    ['no __name__', { job: 'x' }, 'prom_metric_not_specified,job=x '],
    ['unicode', { __name__: 'm', v: 'Grüße 😀' }, 'm,__name__=m,v=Grüße\\ 😀 '],
  ];
  for (const [name, labels, want] of cases) {
    it(name, () => {
      const line = seriesLine(ref(labels));
      assert.ok(line.ok);
      assert.equal(line.prefix, want);
      assert.equal(line.labelFields, '');
    });
  }
  const rejected: [string, Record<string, string>, string][] = [
    ['newline in name', { __name__: 'a\nb' }, 'influx_bad_measurement'],
    ['leading # would make a comment', { __name__: '#x' }, 'influx_bad_measurement'],
    ['trailing backslash in name', { __name__: 'x\\' }, 'influx_bad_measurement'],
    ['newline in label name', { __name__: 'x', 'a\nb': 'v' }, 'influx_bad_tag_key'],
  ];
  for (const [name, labels, reason] of rejected) {
    it(`rejects: ${name}`, () => {
      const line = seriesLine(ref(labels));
      assert.ok(!line.ok);
      assert.equal(line.reason, reason);
    });
  }
  it('hashes a long value into the tag and carries it in a field', () => {
    const long = 'é'.repeat(10_000);
    const line = seriesLine(ref({ __name__: 'm', v: long }));
    assert.ok(line.ok);
    assert.ok(line.prefix.includes(`v=${TAG_MARKER}%H`));
    assert.equal(line.labelFields, `,${TAG_MARKER}v="${long}"`);
  });
});

describe('tag value encoding', () => {
  const cases: [string, string, boolean][] = [
    ['plain', 'abc', false],
    ['inner backslash', 'a\\b', false],
    ['trailing backslash', 'a\\', true],
    ['backslash before a comma', 'a\\,b', true],
    ['newline', 'a\nb', true],
    ['CR', 'a\rb', true],
    ['NUL', 'a\0b', true],
    ['starts with the marker', `${TAG_MARKER}x`, true],
    ['percent in an encoded value', 'x%41\n', true],
  ];
  for (const [name, value, encoded] of cases) {
    it(name, () => {
      const stored = encodeTagValue(value);
      assert.equal(stored.startsWith(TAG_MARKER), encoded);
      assert.ok(!/[\n\r\0]/.test(stored) && !/\\$/.test(stored));
      assert.equal(decodeTagValue(stored), value);
    });
  }
  it('hashes values over 16 KiB', () => {
    assert.ok(isHashedTagValue(encodeTagValue('x'.repeat(16 * 1024 + 1))));
    assert.ok(!isHashedTagValue(encodeTagValue('x'.repeat(16 * 1024))));
  });
});

describe('special values', () => {
  const cases: [bigint, string][] = [
    [0x7ff0000000000000n, '+Inf'],
    [0xfff0000000000000n, '-Inf'],
    [0x7ff0000000000002n, 'stale'],
    [0x7ff8000000000001n, 'NaN'],
    [0x7ff8000000000000n, '0x7ff8000000000000'],
    [0xffffffffffffffffn, '0xffffffffffffffff'],
  ];
  for (const [bits, name] of cases) {
    it(`${name} round-trips`, () => {
      const v = makeBatch([{ labels: { __name__: 'x' }, samples: [[0, bits]] }]).series[0]!.values;
      assert.equal(specialName(v, 0), name);
      const back = new Float64Array(1);
      assert.ok(setSpecial(back, 0, name));
      assert.equal(new BigUint64Array(back.buffer)[0], bits);
    });
  }
  it('formats floats shortest, -0 kept', () => {
    assert.deepEqual([-0, 0, 0.1, 1e21, 5e-324, 42].map(formatFloat), [
      '-0',
      '0',
      '0.1',
      '1e+21',
      '5e-324',
      '42',
    ]);
  });
});

describe('encodeBatch', () => {
  const batch = makeBatch([
    {
      labels: { __name__: 'm', k: 'a' },
      samples: [
        [1000, bitsOf(1.5)],
        [2000, 0x7ff0000000000002n],
        [3000, bitsOf(-0)],
      ],
    },
    { labels: { __name__: 'bad\nname' }, samples: [[1000, bitsOf(1)]] },
  ]);
  const opts = (over: object = {}) => ({
    cache: new WeakMap<SeriesRef, CachedLine>(),
    specialValues: 'store' as const,
    maxPoints: 2,
    maxBytes: 1 << 20,
    ...over,
  });
  it('splits by points, stores specials in value_special, counts the unwritable series', () => {
    const tally = new RejectionTally();
    const bodies = encodeBatch(batch, opts(), tally);
    assert.deepEqual(
      bodies.map((b) => b.text),
      [
        'm,__name__=m,k=a value=1.5 1000\nm,__name__=m,k=a value_special="stale" 2000\n',
        'm,__name__=m,k=a value=-0 3000\n',
      ],
    );
    assert.deepEqual(
      tally.list().map((r) => [r.reason, r.count]),
      [['influx_bad_measurement', 1]],
    );
  });
  it('drop mode counts special values instead', () => {
    const tally = new RejectionTally();
    const bodies = encodeBatch(batch, opts({ specialValues: 'drop', maxPoints: 100 }), tally);
    assert.equal(bodies[0]!.points, 2);
    assert.deepEqual(
      tally.list().map((r) => [r.reason, r.count]),
      [
        ['special_value_dropped', 1],
        ['influx_bad_measurement', 1],
      ],
    );
  });
  it('splits by bytes', () => {
    const bodies = encodeBatch(batch, opts({ maxPoints: 100, maxBytes: 40 }), new RejectionTally());
    assert.deepEqual(
      bodies.map((b) => b.points),
      [1, 1, 1],
    );
  });
});
