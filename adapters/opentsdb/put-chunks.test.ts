// /api/put bodies: split by points and bytes, values and timestamps in the forms OpenTSDB
// parses back exactly, and everything unsendable tallied with a reason.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bitsOf, makeBatch } from '../../test/contract/adapter-contract.js';
import { formatTimestamp, formatValue } from './point-format.js';
import { buildPutChunks } from './put-chunks.js';
import { createRejectionTally } from './rejections.js';

const mapping = { placeholderKey: 'promgate_placeholder', placeholderValue: 'none', maxTags: 8 };
const t = 1_700_000_000_000;

describe('opentsdb put chunks', () => {
  for (const [value, text] of [
    [1, '1'],
    [-3, '-3'],
    [0, '0'],
    [-0, '-0.0'],
    [0.1, '0.1'],
    [1e20, '1e+20'],
    [2 ** 53, '9007199254740992'],
    [2 ** 53 + 2, '9.007199254740994e+15'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
  ] as const) {
    it(`formats ${String(value)} as ${text}, which parses back to the same double`, () => {
      assert.equal(formatValue(value), text);
      assert.ok(Object.is(Number(text), value));
      if (!/[.eE]/.test(text))
        assert.ok(Math.abs(value) <= 2 ** 53, 'integers only where int64 parsing is exact');
    });
  }

  for (const [ms, sent] of [
    [t, String(t)],
    [1_000_000_000_000, '1000000000000'],
    [9_999_999_999_999, '9999999999999'],
    [5_000, '5'],
    [999_999_999_000, '999999999'],
    [5_001, undefined],
    [0, undefined],
    [-1_000, undefined],
    [10_000_000_000_000, undefined],
  ] as const) {
    it(`sends timestamp ${ms} as ${String(sent)}`, () => assert.equal(formatTimestamp(ms), sent));
  }

  it('splits by points and by bytes, never splitting a point', () => {
    const batch = makeBatch([
      {
        labels: { __name__: 'm', job: 'j' },
        samples: Array.from({ length: 10 }, (_, i) => [t + i, bitsOf(i)] as const),
      },
    ]);
    const tally = createRejectionTally();
    const byPoints = buildPutChunks(
      batch,
      mapping,
      new WeakMap(),
      { maxPoints: 4, maxBytes: 1 << 20 },
      tally,
    );
    assert.deepEqual(
      byPoints.map((c) => c.points),
      [4, 4, 2],
    );
    const one = byPoints[0]!.body.length / 4;
    const byBytes = buildPutChunks(
      batch,
      mapping,
      new WeakMap(),
      { maxPoints: 100, maxBytes: one * 3 },
      tally,
    );
    assert.ok(byBytes.every((c) => c.body.length <= one * 3));
    assert.equal(
      byBytes.reduce((n, c) => n + c.points, 0),
      10,
    );
    for (const c of [...byPoints, ...byBytes])
      assert.equal((JSON.parse(c.body) as unknown[]).length, c.points);
    assert.equal(tally.total(), 0);
  });

  it('tallies special values, bad timestamps and unmappable series with reasons and examples', () => {
    const batch = makeBatch([
      {
        labels: { __name__: 'm' },
        samples: [
          [t, 0x7ff8000000000001n],
          [t + 1, 0x7ff0000000000002n],
          [t + 2, 0xfff0000000000000n],
          [1, bitsOf(1)],
          [t + 3, bitsOf(2)],
        ],
      },
      { labels: { job: 'no name' }, samples: [[t, bitsOf(1)]] },
    ]);
    const tally = createRejectionTally();
    const chunks = buildPutChunks(
      batch,
      mapping,
      new WeakMap(),
      { maxPoints: 100, maxBytes: 1 << 20 },
      tally,
    );
    assert.deepEqual(JSON.parse(chunks[0]!.body), [
      { metric: 'm', tags: { promgate_placeholder: 'none' }, timestamp: t + 3, value: 2 },
    ]);
    assert.deepEqual(
      tally.list().map((r) => [r.reason, r.count]),
      [
        ['unsupported_nan', 1],
        ['unsupported_stale_marker', 1],
        ['unsupported_inf', 1],
        ['timestamp_out_of_range', 1],
        ['no_metric_name', 1],
      ],
    );
    assert.match(tally.list()[0]!.example, /\["__name__","m"\] at 1700000000000/);
  });
});
