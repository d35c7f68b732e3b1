// SAMPLES answers with native histograms (issue #6 item 4): encodeReadResponse writes
// TimeSeries.histograms (field 4) with timestamps, read back bit for bit by the test decoder
// (test/support/decode-read-response.ts) and checked field by field against protobufjs loading
// the repository's proto/ (the oracle; it carries doubles as JS numbers, so NaN payloads are
// checked through the test decoder only).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { promSchema } from '../../src/codec/proto-schema.js';
import { encodeReadResponse } from '../../src/codec/read-response.js';
import { numberBits, type NativeHistogram, type SeriesSamples } from '../../src/model.js';
import { decodeReadResponse, type ReadHistogram } from '../support/decode-read-response.js';
import { floatHistogram, GO_NAN, intHistogram, series, STALE } from './mock-read-backend.js';

function bitsList(a: Float64Array): bigint[] {
  return [...new BigUint64Array(a.buffer, a.byteOffset, a.length)];
}

/** What the wire must say for h, in the test decoder's terms. */
function expected(h: NativeHistogram): ReadHistogram {
  const common = {
    t: h.timestampMs,
    sumBits: h.sumBits,
    schema: h.schema,
    zeroThresholdBits: h.zeroThresholdBits,
    negativeSpans: h.negativeSpans.map((s): [number, number] => [s.offset, s.length]),
    positiveSpans: h.positiveSpans.map((s): [number, number] => [s.offset, s.length]),
    resetHint: h.resetHint,
    customValuesBits: bitsList(h.customValues),
  };
  if (h.kind === 'int') {
    return {
      ...common,
      countInt: h.count,
      zeroCountInt: h.zeroCount,
      negativeDeltas: [...h.negativeDeltas],
      positiveDeltas: [...h.positiveDeltas],
      negativeCountsBits: [],
      positiveCountsBits: [],
    };
  }
  return {
    ...common,
    countFloatBits: h.countBits,
    zeroCountFloatBits: h.zeroCountBits,
    negativeDeltas: [],
    positiveDeltas: [],
    negativeCountsBits: bitsList(h.negativeCounts),
    positiveCountsBits: bitsList(h.positiveCounts),
  };
}

const BIG_COUNT: NativeHistogram = { ...intHistogram(-5000), count: 0xfffffffffffffffen, zeroCount: 0n };

const input: SeriesSamples[][] = [
  [
    series(
      { __name__: 'mixed', job: 'x' },
      [
        [1000, STALE],
        [2000, 0x3ff0000000000000n],
      ],
      [intHistogram(1500), floatHistogram(2500, GO_NAN), floatHistogram(0, STALE)],
    ),
    series({ __name__: 'only_histograms' }, [], [BIG_COUNT, intHistogram(1_700_000_000_000, 3n, STALE)]),
    series({ __name__: 'only_floats' }, [[7, GO_NAN]]),
  ],
  [],
];

test('histograms are written with their timestamps and every bit, after the float samples', () => {
  const decoded = decodeReadResponse(encodeReadResponse(input));
  assert.equal(decoded.length, 2);
  assert.equal(decoded[1]!.length, 0);
  const [mixed, onlyHistograms, onlyFloats] = decoded[0]!;
  assert.deepEqual(mixed!.labels, { __name__: 'mixed', job: 'x' });
  assert.deepEqual(mixed!.samples, [
    { t: 1000, bits: STALE },
    { t: 2000, bits: 0x3ff0000000000000n },
  ]);
  assert.deepEqual(mixed!.histograms, input[0]![0]!.histograms!.map(expected));
  assert.deepEqual(onlyHistograms!.samples, []);
  assert.deepEqual(onlyHistograms!.histograms, input[0]![1]!.histograms!.map(expected));
  assert.deepEqual(onlyFloats!.histograms, []);
  assert.deepEqual(onlyFloats!.samples, [{ t: 7, bits: GO_NAN }]);
});

interface OracleHistogram {
  countInt?: number;
  countFloat?: number;
  count?: string;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCountInt?: number;
  zeroCountFloat?: number;
  zeroCount?: string;
  negativeSpans: { offset: number; length: number }[];
  negativeDeltas: number[];
  negativeCounts: number[];
  positiveSpans: { offset: number; length: number }[];
  positiveDeltas: number[];
  positiveCounts: number[];
  resetHint: number;
  timestamp: number;
  customValues: number[];
}

/** Doubles from protobufjs: exact bits, except that a NaN can only be checked as "a NaN". */
function sameDouble(got: number, bits: bigint, what: string): void {
  if (Number.isNaN(got))
    assert.equal((bits >> 52n) & 0x7ffn, 0x7ffn, `${what}: NaN for ${bits.toString(16)}`);
  else assert.equal(numberBits(got), bits, what);
}

function sameDoubles(got: number[], values: Float64Array, what: string): void {
  const bits = bitsList(values);
  assert.equal(got.length, bits.length, what);
  got.forEach((v, i) => sameDouble(v, bits[i]!, `${what}[${i}]`));
}

test('protobufjs (proto/ as the oracle) reads the same histograms', () => {
  const T = promSchema().ReadResponse;
  const o = T.toObject(T.decode(encodeReadResponse(input)), {
    longs: Number,
    enums: Number,
    defaults: true,
    arrays: true,
    oneofs: true,
  }) as { results: { timeseries: { labels: unknown[]; histograms: OracleHistogram[] }[] }[] };
  assert.equal(o.results.length, 2);
  const got = o.results[0]!.timeseries;
  assert.equal(got.length, 3);
  for (let i = 0; i < 3; i++) {
    const want = input[0]![i]!.histograms ?? [];
    const hs = got[i]!.histograms;
    assert.equal(hs.length, want.length);
    hs.forEach((g, j) => {
      const h = want[j]!;
      const what = `series ${i} histogram ${j}`;
      assert.equal(g.timestamp, h.timestampMs, what);
      assert.equal(g.schema, h.schema, what);
      assert.equal(g.resetHint, h.resetHint, what);
      sameDouble(g.sum, h.sumBits, `${what} sum`);
      sameDouble(g.zeroThreshold, h.zeroThresholdBits, `${what} zero threshold`);
      assert.deepEqual(g.negativeSpans, h.negativeSpans, what);
      assert.deepEqual(g.positiveSpans, h.positiveSpans, what);
      sameDoubles(g.customValues, h.customValues, `${what} custom values`);
      if (h.kind === 'int') {
        assert.equal(g.count, 'countInt', what);
        assert.equal(g.zeroCount, 'zeroCountInt', what);
        // protobufjs without Long carries uint64 as a number: exact up to 2^53.
        if (h.count < 2n ** 53n) assert.equal(g.countInt, Number(h.count), what);
        assert.equal(g.zeroCountInt, Number(h.zeroCount), what);
        assert.deepEqual(g.negativeDeltas, [...h.negativeDeltas].map(Number), what);
        assert.deepEqual(g.positiveDeltas, [...h.positiveDeltas].map(Number), what);
        assert.deepEqual(g.negativeCounts, [], what);
      } else {
        assert.equal(g.count, 'countFloat', what);
        assert.equal(g.zeroCount, 'zeroCountFloat', what);
        sameDouble(g.countFloat!, h.countBits, `${what} count`);
        sameDouble(g.zeroCountFloat!, h.zeroCountBits, `${what} zero count`);
        sameDoubles(g.negativeCounts, h.negativeCounts, `${what} negative counts`);
        sameDoubles(g.positiveCounts, h.positiveCounts, `${what} positive counts`);
        assert.deepEqual(g.positiveDeltas, [], what);
      }
    });
  }
});

test('a histogram timestamp a JS number cannot hold exactly is refused', () => {
  const bad = series({ __name__: 'h' }, [], [{ ...intHistogram(0), timestampMs: 2 ** 53 }]);
  assert.throws(() => encodeReadResponse([[bad]]), /timestamp 9007199254740992 is not an integer/);
});
