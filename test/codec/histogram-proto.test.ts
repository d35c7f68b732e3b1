// Native histograms and exemplars in remote write 1.0: the hand decoder (histogram-proto.ts,
// exemplar-proto.ts, write-v1.ts) against protobufjs on our own .proto, and the encoder's
// exact round trip (random histograms with NaN payloads, extreme 64-bit integers).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHistogramBytes, encodeHistogram } from '../../src/codec/histogram-proto.js';
import { promSchema } from '../../src/codec/proto-schema.js';
import { RequestError } from '../../src/errors.js';
import { STALE_NAN_BITS, type NativeHistogram } from '../../src/model.js';
import { createWriteV1Decoder } from '../../src/codec/write-v1.js';
import { bitsOf, ProtoWriter } from '../support/encode-write.js';
import { newDecoder } from './oracle.js';

function v1Body(request: object): Buffer {
  const T = promSchema().WriteRequest;
  const err = T.verify(request);
  assert.equal(err, null, `test request does not fit the schema: ${err}`);
  return Buffer.from(T.encode(T.fromObject(request)).finish());
}

/** A histogram's bytes, for comparing two histograms exactly (every field, every bit). */
function exact(h: NativeHistogram): string {
  return `${h.timestampMs}/${h.startTimestampMs}/${encodeHistogram(h, { startTimestamp: true }).toString('hex')}`;
}

/** A random histogram of valid shape (spans account for the buckets), with any bit patterns. */
function random(seed: number): NativeHistogram {
  let s = seed;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s;
  };
  const bits = (): bigint => (BigInt(next()) << 32n) | BigInt(next());
  const spans = () =>
    Array.from({ length: next() % 3 }, (_, i) => ({
      offset: i === 0 ? (next() % 9) - 4 : next() % 4,
      length: next() % 4,
    }));
  const bucketsOf = (list: readonly { length: number }[]) => list.reduce((n, x) => n + x.length, 0);
  const doubles = (n: number): Float64Array => {
    const out = new Float64Array(n);
    const words = new BigUint64Array(out.buffer);
    for (let i = 0; i < n; i++) words[i] = bits(); // any bit pattern, NaN payloads included
    return out;
  };
  const custom = next() % 4 === 0;
  const positiveSpans = spans();
  const negativeSpans = custom ? [] : spans();
  const common = {
    timestampMs: next() % 2 === 0 ? next() * 1000 : -next(),
    startTimestampMs: next() % 2 === 0 ? 0 : next(),
    schema: custom ? -53 : (next() % 13) - 4,
    resetHint: next() % 4,
    sumBits: next() % 5 === 0 ? STALE_NAN_BITS : bits(),
    zeroThresholdBits: bits(),
    negativeSpans,
    positiveSpans,
    customValues: custom ? new Float64Array([0.5, 1, 2.5].slice(0, 1 + (next() % 3))) : new Float64Array(0),
  };
  if (next() % 2 === 0) {
    const deltas = (n: number) => BigInt64Array.from({ length: n }, () => BigInt.asIntN(64, bits()));
    return {
      ...common,
      kind: 'int',
      count: BigInt.asUintN(64, bits()),
      zeroCount: BigInt.asUintN(64, bits()),
      negativeDeltas: deltas(bucketsOf(negativeSpans)),
      positiveDeltas: deltas(bucketsOf(positiveSpans)),
    };
  }
  return {
    ...common,
    kind: 'float',
    countBits: bits(),
    zeroCountBits: bits(),
    negativeCounts: doubles(bucketsOf(negativeSpans)),
    positiveCounts: doubles(bucketsOf(positiveSpans)),
  };
}

describe('native histogram protobuf codec', () => {
  it('encode then decode is exact for 2000 random histograms (NaN payloads, 64-bit extremes)', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const h = random(seed);
      const back = decodeHistogramBytes(encodeHistogram(h, { startTimestamp: true }));
      assert.equal(exact(back), exact(h), `seed ${seed}`);
      assert.equal(back.kind, h.kind);
    }
  });

  it('keeps the extremes: uint64 max count, int64 min/max deltas, -0 and the stale sum', () => {
    const h: NativeHistogram = {
      kind: 'int',
      timestampMs: 1,
      startTimestampMs: 0,
      schema: -4,
      resetHint: 3,
      sumBits: STALE_NAN_BITS,
      zeroThresholdBits: bitsOf(-0),
      count: (1n << 64n) - 1n,
      zeroCount: 0n,
      negativeSpans: [{ offset: -2147483648, length: 2 }],
      positiveSpans: [{ offset: 2147483647, length: 1 }],
      negativeDeltas: BigInt64Array.from([-(1n << 63n), (1n << 63n) - 1n]),
      positiveDeltas: BigInt64Array.from([0n]),
      customValues: new Float64Array(0),
    };
    const back = decodeHistogramBytes(encodeHistogram(h));
    assert.equal(exact(back), exact(h));
    assert.ok(back.kind === 'int');
    assert.equal(back.count, (1n << 64n) - 1n);
    assert.equal(back.sumBits, STALE_NAN_BITS);
    assert.equal(back.zeroThresholdBits, 0x8000000000000000n);
  });

  it('a histogram with neither count set is an integer histogram of count 0', () => {
    const h = decodeHistogramBytes(Buffer.from([0x78, 0x05])); // only timestamp = 5
    assert.ok(h.kind === 'int');
    assert.equal(h.count, 0n);
    assert.equal(h.timestampMs, 5);
  });

  it('histograms Prometheus would refuse are 400 invalid_histogram, naming the problem', () => {
    const int: NativeHistogram = {
      kind: 'int',
      timestampMs: 1,
      startTimestampMs: 0,
      schema: 3,
      resetHint: 0,
      sumBits: 0n,
      zeroThresholdBits: 0n,
      count: 3n,
      zeroCount: 0n,
      negativeSpans: [],
      positiveSpans: [{ offset: 0, length: 2 }],
      negativeDeltas: new BigInt64Array(0),
      positiveDeltas: BigInt64Array.from([1n, 1n]),
      customValues: new Float64Array(0),
    };
    const cases: [string, NativeHistogram, RegExp][] = [
      [
        'more spanned than sent',
        { ...int, positiveSpans: [{ offset: 0, length: 3 }] },
        /positive spans hold 3 buckets but 2/,
      ],
      [
        'a later span going back',
        {
          ...int,
          positiveSpans: [
            { offset: 0, length: 1 },
            { offset: -2, length: 1 },
          ],
        },
        /positive span 1 has a negative offset/,
      ],
      ['schema out of range', { ...int, schema: 60 }, /schema 60 is outside/],
      [
        'custom bounds on an exponential schema',
        { ...int, customValues: new Float64Array([1]) },
        /custom bucket bounds with exponential schema 3/,
      ],
      [
        'custom bounds not increasing',
        { ...int, schema: -53, customValues: new Float64Array([1, 1]) },
        /not strictly increasing at 1/,
      ],
      [
        'negative buckets with custom buckets',
        {
          ...int,
          schema: -53,
          customValues: new Float64Array([1, 2]),
          negativeSpans: [{ offset: 0, length: 1 }],
          negativeDeltas: BigInt64Array.from([1n]),
        },
        /custom-buckets histogram has negative buckets/,
      ],
    ];
    for (const [name, h, message] of cases) {
      assert.throws(
        () => decodeHistogramBytes(encodeHistogram(h)),
        (e: unknown) =>
          e instanceof RequestError && e.reason === 'invalid_histogram' && message.test(e.message),
        name,
      );
    }
    assert.doesNotThrow(() => decodeHistogramBytes(encodeHistogram(int)));
  });

  it('wrong wire types and truncated fields are 400 corrupt_protobuf', () => {
    for (const bytes of [
      [0x09, 1, 2, 3, 4, 5, 6, 7, 8], // count_int as fixed64
      [0x11, 1, 2], // count_float truncated
      [0x52, 0x03, 1, 2, 3], // packed doubles not a multiple of 8
      [0x42, 0x02, 0x09, 0x00], // span offset as fixed64 inside the span
    ]) {
      assert.throws(
        () => decodeHistogramBytes(Buffer.from(bytes)),
        (e: unknown) => e instanceof RequestError && e.status === 400,
        Buffer.from(bytes).toString('hex'),
      );
    }
  });
});

describe('write v1 decoder: native histograms and exemplars against protobufjs', () => {
  const labels = [
    { name: '__name__', value: 'rpc_duration_seconds' },
    { name: 'job', value: 'api' },
  ];
  const body = v1Body({
    timeseries: [
      {
        labels,
        histograms: [
          {
            countInt: 9,
            sum: 1.5,
            schema: 1,
            zeroThreshold: 0.001,
            zeroCountInt: 1,
            negativeSpans: [{ offset: -3, length: 1 }],
            negativeDeltas: [2],
            positiveSpans: [
              { offset: 1, length: 2 },
              { offset: 2, length: 1 },
            ],
            positiveDeltas: [3, -1, 2],
            resetHint: 1,
            timestamp: 1_700_000_000_000,
          },
        ],
        exemplars: [
          { labels: [{ name: 'trace_id', value: 'ü-1' }], value: 0.25, timestamp: 1_700_000_000_001 },
        ],
      },
      {
        labels,
        histograms: [
          {
            countFloat: 2.5,
            sum: 0.5,
            zeroCountFloat: 0,
            positiveSpans: [{ offset: 0, length: 1 }],
            positiveCounts: [2.5],
            resetHint: 3,
            timestamp: 1_700_000_015_000,
          },
        ],
      },
      { labels: [{ name: '__name__', value: 'plain' }], samples: [{ value: 1, timestamp: 5 }] },
    ],
  });

  it('groups them by series, exactly as sent', () => {
    const d = newDecoder().decode(body);
    assert.equal(d.sampleCount, 1);
    assert.equal(d.histogramCount, 2);
    assert.equal(d.exemplarCount, 1);
    assert.equal(d.histograms.length, 1, 'both entries share one label set');
    const [a, b] = d.histograms[0]!.histograms;
    assert.ok(a?.kind === 'int' && b?.kind === 'float');
    assert.deepEqual(
      [a.count, a.zeroCount, a.sumBits, a.schema, a.zeroThresholdBits, a.resetHint, a.timestampMs],
      [9n, 1n, bitsOf(1.5), 1, bitsOf(0.001), 1, 1_700_000_000_000],
    );
    assert.deepEqual([a.negativeSpans, [...a.negativeDeltas]], [[{ offset: -3, length: 1 }], [2n]]);
    assert.deepEqual(
      [a.positiveSpans, [...a.positiveDeltas]],
      [
        [
          { offset: 1, length: 2 },
          { offset: 2, length: 1 },
        ],
        [3n, -1n, 2n],
      ],
    );
    assert.deepEqual(
      [b.countBits, b.zeroCountBits, b.sumBits, b.resetHint, [...b.positiveCounts]],
      [bitsOf(2.5), 0n, bitsOf(0.5), 3, [2.5]],
    );
    assert.deepEqual(d.exemplars[0]!.exemplars, [
      {
        labels: [{ name: 'trace_id', value: 'ü-1' }],
        timestampMs: 1_700_000_000_001,
        valueBits: bitsOf(0.25),
      },
    ]);
    // Re-encoded, our bytes decode in protobufjs to the same histogram.
    const H = promSchema().root.lookupType('prometheus.Histogram');
    const viaProtobufjs = H.toObject(H.decode(encodeHistogram(a)), { longs: Number, defaults: false });
    assert.deepEqual(viaProtobufjs, {
      countInt: 9,
      sum: 1.5,
      schema: 1,
      zeroThreshold: 0.001,
      zeroCountInt: 1,
      negativeSpans: [{ offset: -3, length: 1 }],
      negativeDeltas: [2],
      positiveSpans: [
        { offset: 1, length: 2 },
        { offset: 2, length: 1 },
      ],
      positiveDeltas: [3, -1, 2],
      resetHint: 1,
      timestamp: 1_700_000_000_000,
    });
  });

  it('a histogram timestamp outside ±2^53 ms is 400 invalid_timestamp', () => {
    const bad = v1Body({ timeseries: [{ labels, histograms: [{ countInt: 1, timestamp: 2 ** 60 }] }] });
    assert.throws(
      () => newDecoder().decode(bad),
      (e: unknown) => e instanceof RequestError && e.reason === 'invalid_timestamp',
    );
  });
});

describe('per-request caps on histograms, buckets and exemplars, and exemplar label length', () => {
  const labels = [{ name: '__name__', value: 'capped' }];
  const hist = {
    countInt: 1,
    positiveSpans: [{ offset: 0, length: 3 }],
    positiveDeltas: [1, 0, 0],
    timestamp: 1,
  };
  const status = (fn: () => unknown): [number, string] | undefined => {
    try {
      fn();
      return undefined;
    } catch (e) {
      assert.ok(e instanceof RequestError, String(e));
      return [e.status, e.reason];
    }
  };

  it('more histograms, buckets or exemplars than allowed is a 413 naming the limit', () => {
    const body = v1Body({
      timeseries: [
        {
          labels,
          histograms: [hist, hist, hist],
          exemplars: [
            { value: 1, timestamp: 1 },
            { value: 2, timestamp: 2 },
          ],
        },
      ],
    });
    assert.deepEqual(
      status(() => newDecoder().decode(body)),
      undefined,
    );
    const decoder = (o: object) => createWriteV1Decoder({ maxCachedSeries: 10, ...o });
    assert.deepEqual(
      status(() => decoder({ maxHistograms: 2 }).decode(body)),
      [413, 'too_many_histograms'],
    );
    assert.deepEqual(
      status(() => decoder({ maxHistogramBuckets: 8 }).decode(body)),
      [413, 'too_many_buckets'],
    );
    assert.deepEqual(
      status(() => decoder({ maxExemplars: 1 }).decode(body)),
      [413, 'too_many_exemplars'],
    );
    assert.deepEqual(
      status(() => decoder({ maxHistograms: 3, maxHistogramBuckets: 9, maxExemplars: 2 }).decode(body)),
      undefined,
    );
  });

  it('a flood of empty histograms stops at the cap instead of taking gigabytes', () => {
    // 1,000,000 two-byte histograms (field 4, empty): 2 MB on the wire, gigabytes as objects.
    const histograms = Buffer.alloc(2 * 1_000_000);
    for (let i = 0; i < histograms.length; i += 2) histograms[i] = 0x22;
    const w = new ProtoWriter();
    w.message(1, (ts) => {
      ts.message(1, (l) => l.string(1, '__name__').string(2, 'm'));
      ts.raw(histograms);
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const decoder = createWriteV1Decoder({ maxCachedSeries: 10, maxHistograms: 100_000 });
    assert.deepEqual(
      status(() => decoder.decode(w.finish())),
      [413, 'too_many_histograms'],
    );
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 400 << 20, 'bounded by the cap');
  });

  it('an exemplar label that is not valid UTF-8 is a 400, not silently replaced', () => {
    const w = new ProtoWriter();
    w.message(1, (ts) => {
      ts.message(1, (l) => l.string(1, '__name__').string(2, 'm'));
      ts.message(2, (x) => x.key(1, 1).fixed64(bitsOf(1)).key(2, 0).varint(1));
      ts.message(3, (e) => {
        e.message(1, (l) => l.string(1, 'trace_id').bytes(2, Buffer.from([0x61, 0xc3])));
        e.key(2, 1).fixed64(bitsOf(1)).key(3, 0).varint(1);
      });
    });
    assert.deepEqual(
      status(() => newDecoder().decode(w.finish())),
      [400, 'invalid_utf8'],
    );
  });

  it("an exemplar's labels over 128 characters in all are a 400", () => {
    const ok = 'x'.repeat(128 - 'trace_id'.length);
    const at = (value: string) =>
      v1Body({
        timeseries: [
          {
            labels,
            samples: [{ value: 1, timestamp: 1 }],
            exemplars: [{ labels: [{ name: 'trace_id', value }], value: 1, timestamp: 1 }],
          },
        ],
      });
    assert.deepEqual(
      status(() => newDecoder().decode(at(ok))),
      undefined,
    );
    assert.deepEqual(
      status(() => newDecoder().decode(at(`${ok}y`))),
      [400, 'exemplar_labels_too_long'],
    );
    assert.deepEqual(
      status(() => newDecoder().decode(at('ü'.repeat(120)))),
      undefined,
      'characters, not bytes',
    );
  });
});
