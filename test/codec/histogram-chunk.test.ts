// Histogram chunks (HISTOGRAM = 2, FLOAT_HISTOGRAM = 3) round-tripped through the independent
// decoder of test/support/histogram-chunk-decode.ts, the cut rules, a chunk captured from
// Prometheus 2.42, and the series-level merge with XOR chunks and their framing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSeriesLabels, seriesFrames } from '../../src/codec/chunked-read-response.js';
import {
  CUSTOM_BUCKETS_SCHEMA,
  FLOAT_HISTOGRAM_ENCODING,
  HISTOGRAM_ENCODING,
  histogramChunks,
  type HistogramChunk,
} from '../../src/codec/histogram-chunk.js';
import { seriesChunks } from '../../src/codec/series-chunks.js';
import { MAX_SAMPLES_PER_CHUNK, xorChunks } from '../../src/codec/xor-chunk.js';
import {
  makeSeriesRef,
  RESET_HINT,
  STALE_NAN_BITS,
  type BucketSpan,
  type FloatHistogram,
  type IntHistogram,
  type NativeHistogram,
} from '../../src/model.js';
import {
  decodeHistogramChunk,
  histogramKey,
  type DecodedHistogramChunk,
} from '../support/histogram-chunk-decode.js';
import { bits, GO_NAN } from '../support/bits.js';
import { floatHistogram, intHistogram, type HistogramLayout } from '../support/histograms.js';
import { decodeFrames, decodeXorChunk } from '../support/xor-decode.js';

const T0 = 1_795_550_400_000;
const DEFAULT_ZT = bits(2 ** -128);
const ODD_NAN = 0xfff00000deadbeefn;

interface Shape {
  schema?: number;
  zt?: bigint;
  pos?: BucketSpan[];
  neg?: BucketSpan[];
  hint?: number;
  custom?: bigint[];
}

/** The layout a Shape asks for; by default one span per side holding every bucket given. */
function layout(s: Shape, schema: number, nPos: number, nNeg: number): HistogramLayout {
  return {
    schema: s.schema ?? schema,
    zt: s.zt ?? DEFAULT_ZT,
    pos: s.pos ?? [{ offset: 0, length: nPos }],
    neg: s.neg ?? (nNeg > 0 ? [{ offset: 0, length: nNeg }] : []),
    custom: s.custom ?? [],
  };
}

/** An integer histogram from absolute bucket counts; count = zero + all buckets. */
function ih(
  t: number,
  zero: bigint,
  posAbs: bigint[],
  negAbs: bigint[],
  sum: bigint,
  s: Shape = {},
): IntHistogram {
  const l = layout(s, 3, posAbs.length, negAbs.length);
  return intHistogram(t, l, zero, posAbs, negAbs, sum, s.hint);
}

function fh(
  t: number,
  count: bigint,
  zero: bigint,
  pos: bigint[],
  neg: bigint[],
  sum: bigint,
  s: Shape = {},
): FloatHistogram {
  return floatHistogram(t, layout(s, 0, pos.length, neg.length), count, zero, pos, neg, sum, s.hint);
}

function stale(t: number, kind: 'int' | 'float', hint: number = RESET_HINT.UNKNOWN): NativeHistogram {
  // Buckets and layout of a stale histogram are whatever the sender had; Prometheus drops them.
  return kind === 'int'
    ? { ...ih(t, 1n, [2n, 3n], [], STALE_NAN_BITS, { hint }) }
    : { ...fh(t, bits(6), bits(1), [bits(2)], [], STALE_NAN_BITS, { hint }) };
}

/** What survives a chunk: a stale histogram keeps only its time and sum. */
function expected(h: NativeHistogram): string {
  if (h.sumBits !== STALE_NAN_BITS) return histogramKey(h);
  const empty = {
    schema: 0,
    zeroThresholdBits: 0n,
    positiveSpans: [],
    negativeSpans: [],
    customValues: new Float64Array(0),
  };
  return histogramKey(
    h.kind === 'int'
      ? {
          ...h,
          ...empty,
          count: 0n,
          zeroCount: 0n,
          positiveDeltas: new BigInt64Array(0),
          negativeDeltas: new BigInt64Array(0),
        }
      : {
          ...h,
          ...empty,
          countBits: 0n,
          zeroCountBits: 0n,
          positiveCounts: new Float64Array(0),
          negativeCounts: new Float64Array(0),
        },
  );
}

function encode(hs: readonly NativeHistogram[]): {
  chunks: HistogramChunk[];
  decoded: DecodedHistogramChunk[];
} {
  const chunks = [...histogramChunks(hs)];
  const decoded = chunks.map((c) => {
    const d = decodeHistogramChunk(c.data, c.encoding);
    assert.ok(d.histograms.length > 0 && d.histograms.length <= MAX_SAMPLES_PER_CHUNK);
    assert.equal(c.minTimeMs, d.histograms[0]!.timestampMs);
    assert.equal(c.maxTimeMs, d.histograms.at(-1)!.timestampMs);
    assert.equal(c.encoding, d.histograms[0]!.kind === 'int' ? HISTOGRAM_ENCODING : FLOAT_HISTOGRAM_ENCODING);
    return d;
  });
  // Every histogram comes back bit for bit, in order.
  assert.deepEqual(
    decoded.flatMap((d) => d.histograms.map(histogramKey)),
    hs.map(expected),
  );
  return { chunks, decoded };
}

const sizes = (d: DecodedHistogramChunk[]): number[] => d.map((c) => c.histograms.length);
const headers = (d: DecodedHistogramChunk[]): string[] => d.map((c) => c.header);

// Captured from Prometheus 2.42 (the oracle probe of test/e2e/histogram-chunk-oracle.test.ts):
// h_test{job="x"}, 5 integer histograms of the series below, 15 s apart.
const PROM_242_CHUNK =
  '000500749ca518ce31b7f0000d107926700562804a0000000000012b9f07531868ee0714623607c04404c0';
function vectorSeries(): IntHistogram[] {
  return Array.from({ length: 5 }, (_v, i) => {
    const b = BigInt(i);
    return ih(T0 + i * 15_000, 1n + b, [2n + b, 1n + b, 1n + 2n * b], [b], bits(10.5 + i), {
      schema: 3,
      pos: [
        { offset: 1, length: 2 },
        { offset: 3, length: 1 },
      ],
      neg: [{ offset: -2, length: 1 }],
    });
  });
}

test('reproduces a chunk Prometheus 2.42 wrote, byte for byte', () => {
  const { chunks, decoded } = encode(vectorSeries());
  assert.equal(chunks.length, 1);
  assert.equal(Buffer.from(chunks[0]!.data).toString('hex'), PROM_242_CHUNK);
  assert.deepEqual(
    decodeHistogramChunk(Buffer.from(PROM_242_CHUNK, 'hex'), 2).histograms.map(histogramKey),
    vectorSeries().map(histogramKey),
  );
  assert.deepEqual(
    decoded[0]!.histograms.map((h) => h.resetHint),
    [0, 2, 2, 2, 2],
  );
});

test('integer histograms: gaps, negative offsets, zero bucket, every varbit width, 64-bit values', () => {
  const hs: IntHistogram[] = [];
  const pos: BucketSpan[] = [
    { offset: -5, length: 3 },
    { offset: 2, length: 1 },
    { offset: 0, length: 2 },
    { offset: 7, length: 2 },
  ];
  const neg: BucketSpan[] = [
    { offset: -3, length: 2 },
    { offset: 4, length: 1 },
  ];
  const growth = [0n, 1n, 3n, 9n, 40n, 300n, 2000n, 100_000n, 10_000_000n, 1n << 40n, 1n << 57n];
  let acc = [5n, 0n, 7n, 1n, 1n, 2n, 0n, 4n];
  let nacc = [3n, 0n, 9n];
  let t = T0 - 7;
  for (let i = 0; i < 60; i++) {
    const g = growth[i % growth.length]!;
    acc = acc.map((v, k) => v + (k % 2 === 0 ? g : BigInt(k)));
    nacc = nacc.map((v, k) => v + BigInt(i % (k + 2)));
    t += [15_000, 15_000, 1, 14_000, 90_000_000, 15_000][i % 6]!;
    hs.push(ih(t, BigInt(i * i), acc, nacc, bits(i * 1.25 - 3), { schema: -4 + (i % 1), pos, neg }));
  }
  const { decoded } = encode(hs);
  assert.deepEqual(sizes(decoded), [60]);
  assert.deepEqual(headers(decoded), ['unknown']);
  assert.deepEqual(
    decoded[0]!.histograms.map((h) => h.resetHint),
    [0, ...Array<number>(59).fill(2)],
  );

  // Counts near 2^64 and zero thresholds that need the 9-byte form.
  const big = [
    ih(T0, (1n << 63n) + 5n, [1n << 62n], [], bits(-0), { zt: bits(0.001), schema: 8 }),
    ih(T0 + 1, (1n << 63n) + 9n, [(1n << 62n) + 1n], [], bits(Infinity), { zt: bits(0.001), schema: 8 }),
  ];
  assert.deepEqual(sizes(encode(big).decoded), [2]);
  // Threshold 0, 2^10 and 2^-243 fit one byte; 2^11, 3 and a negative one do not.
  for (const zt of [0, 2 ** 10, 2 ** -243, 2 ** 11, 3, -0.5, 2 ** -1074]) {
    const one = [ih(T0, 1n, [1n], [], bits(1), { zt: bits(zt) })];
    const { chunks } = encode(one);
    const layoutByte = chunks[0]!.data[3]!;
    if (zt === 0) assert.equal(layoutByte, 0);
    else if (zt === 2 ** 10 || zt === 2 ** -243) assert.equal(layoutByte, Math.log2(zt) + 1 + 243);
    else assert.equal(layoutByte, 255);
  }
});

test('float histograms: NaN payloads, infinities and -0 survive bit for bit', () => {
  const hs: FloatHistogram[] = [];
  const pos: BucketSpan[] = [
    { offset: -2, length: 2 },
    { offset: 3, length: 1 },
  ];
  const neg: BucketSpan[] = [{ offset: 1, length: 2 }];
  for (let i = 0; i < 50; i++) {
    const c = (x: number): bigint => bits(x * (i + 1));
    const sum =
      i === 7 ? GO_NAN : i === 8 ? ODD_NAN : i === 9 ? bits(-0) : i === 10 ? bits(-Infinity) : bits(i / 3);
    hs.push(
      fh(
        T0 + i * 30_000 + (i % 3),
        c(10.5),
        c(0.5),
        [c(1), c(2.25), i === 20 ? ODD_NAN : c(3)],
        [c(0.125), c(4)],
        sum,
        {
          schema: 1,
          pos,
          neg,
        },
      ),
    );
  }
  const { chunks, decoded } = encode(hs);
  // A NaN bucket compares false both ways, so Prometheus' reset check sees no reset: one chunk.
  assert.deepEqual(
    chunks.map((c) => c.encoding),
    [FLOAT_HISTOGRAM_ENCODING],
  );
  assert.deepEqual(sizes(decoded), [50]);
  assert.deepEqual(
    decoded[0]!.histograms.map((h) => h.resetHint),
    [0, ...Array<number>(49).fill(2)],
  );
});

test('stale histograms keep their exact sum and close the chunk to non-stale ones', () => {
  for (const kind of ['int', 'float'] as const) {
    const normal = (t: number, n: bigint): NativeHistogram =>
      kind === 'int'
        ? ih(t, n, [n, 2n * n], [], bits(Number(n)))
        : fh(
            t,
            bits(Number(4n * n)),
            bits(Number(n)),
            [bits(Number(n)), bits(Number(2n * n))],
            [],
            bits(Number(n)),
          );
    const hs = [
      normal(T0, 1n),
      normal(T0 + 10, 2n),
      stale(T0 + 20, kind),
      stale(T0 + 35, kind),
      normal(T0 + 40, 3n),
      normal(T0 + 50, 4n),
    ];
    const { decoded } = encode(hs);
    assert.deepEqual(sizes(decoded), [4, 2], kind);
    // The first non-stale after a stale one: Prometheus cannot tell, so the header says unknown.
    assert.deepEqual(headers(decoded), ['unknown', 'unknown'], kind);
    // A chunk may start with a stale histogram (empty layout).
    const { decoded: d2 } = encode([stale(T0, kind), stale(T0 + 5, kind), normal(T0 + 9, 1n)]);
    assert.deepEqual(sizes(d2), [2, 1], kind);
  }
});

test('reset hints: explicit resets and count drops cut with a reset header; gauges never cut', () => {
  const c = (t: number, n: bigint, hint: number = RESET_HINT.UNKNOWN): IntHistogram =>
    ih(t, n, [n, n + 1n], [1n], bits(Number(n)), { hint });
  // Explicit YES in the middle, a count that goes down, a bucket that goes down.
  const hs = [
    c(T0, 5n, RESET_HINT.NO),
    c(T0 + 1, 6n),
    c(T0 + 2, 7n, RESET_HINT.YES),
    c(T0 + 3, 8n),
    c(T0 + 4, 2n),
    c(T0 + 5, 3n),
    { ...c(T0 + 6, 4n), positiveDeltas: BigInt64Array.from([0n, 9n]), count: 4n + 9n + 1n },
  ];
  const { decoded } = encode(hs);
  assert.deepEqual(sizes(decoded), [2, 2, 2, 1]);
  assert.deepEqual(headers(decoded), ['unknown', 'reset', 'reset', 'reset']);
  assert.deepEqual(
    decoded.map((d) => d.histograms[0]!.resetHint),
    [0, 1, 1, 1],
  );

  // A gauge histogram goes up and down in one chunk, header gauge, every hint GAUGE.
  const g = [5n, 2n, 9n, 0n, 4n].map((n, i) => c(T0 + i * 1000, n, RESET_HINT.GAUGE));
  const gd = encode(g).decoded;
  assert.deepEqual(sizes(gd), [5]);
  assert.deepEqual(headers(gd), ['gauge']);
  assert.deepEqual(
    gd[0]!.histograms.map((h) => h.resetHint),
    [3, 3, 3, 3, 3],
  );

  // Counter → gauge → counter: three chunks.
  const mixed = [c(T0, 1n), c(T0 + 1, 2n, RESET_HINT.GAUGE), c(T0 + 2, 1n, RESET_HINT.GAUGE), c(T0 + 3, 5n)];
  const md = encode(mixed).decoded;
  assert.deepEqual(sizes(md), [1, 2, 1]);
  // After a gauge chunk Prometheus 2.42 cannot tell: "unknown".
  assert.deepEqual(headers(md), ['unknown', 'gauge', 'unknown']);

  // Float: a count drop cuts with a reset header too.
  const f = [10, 12, 3, 4].map((n, i) => fh(T0 + i, bits(n), bits(0), [bits(n)], [], bits(n)));
  const fd = encode(f).decoded;
  assert.deepEqual(sizes(fd), [2, 2]);
  assert.deepEqual(headers(fd), ['unknown', 'reset']);
});

test('custom buckets (schema -53): bounds as thousandths or raw bits; a bound change cuts', () => {
  const bounds = [
    bits(0.1),
    bits(0.5),
    bits(1),
    bits(2.5),
    bits(33554.43),
    bits(33554.431),
    bits(1e9),
    bits(-2),
    bits(-0.001),
    bits(1 / 3),
  ];
  const pos: BucketSpan[] = [{ offset: 0, length: bounds.length + 1 }];
  const abs = (k: bigint): bigint[] => Array.from({ length: bounds.length + 1 }, (_v, i) => BigInt(i) * k);
  const hs = [1n, 2n, 3n].map((k, i) =>
    ih(T0 + i * 60_000, 0n, abs(k), [], bits(Number(k)), {
      schema: CUSTOM_BUCKETS_SCHEMA,
      zt: 0n,
      pos,
      custom: bounds,
    }),
  );
  const moved = [...bounds];
  moved[2] = bits(1.5);
  hs.push(
    ih(T0 + 300_000, 0n, abs(4n), [], bits(4), { schema: CUSTOM_BUCKETS_SCHEMA, zt: 0n, pos, custom: moved }),
  );
  const { decoded } = encode(hs);
  assert.deepEqual(sizes(decoded), [3, 1]);
  assert.deepEqual(headers(decoded), ['unknown', 'reset']);
  // A NaN bound goes out raw (and never equals itself, so every such histogram starts a chunk).
  const nan = [
    ih(T0, 0n, [1n, 1n], [], bits(1), {
      schema: CUSTOM_BUCKETS_SCHEMA,
      zt: 0n,
      pos: [{ offset: 0, length: 2 }],
      custom: [ODD_NAN],
    }),
  ];
  encode(nan);
});

test('121 and more histograms: a new chunk after every 120', () => {
  const hs = Array.from({ length: 250 }, (_v, i) =>
    ih(T0 + i * 15_000, BigInt(i), [BigInt(i), BigInt(2 * i)], [], bits(i)),
  );
  const { decoded } = encode(hs);
  assert.deepEqual(sizes(decoded), [120, 120, 10]);
  assert.deepEqual(headers(decoded), ['unknown', 'not_reset', 'not_reset']);
  const f = Array.from({ length: 121 }, (_v, i) => fh(T0 + i, bits(i), bits(0), [bits(i)], [], bits(i)));
  assert.deepEqual(sizes(encode(f).decoded), [120, 1]);
  assert.deepEqual(headers(encode(f).decoded), ['unknown', 'not_reset']);
});

test('layout changes cut: spans, schema, zero threshold, kind, time going back', () => {
  const a = ih(T0, 1n, [1n, 1n], [], bits(1), { pos: [{ offset: 0, length: 2 }] });
  // A new bucket: Prometheus would recode; we cut with "not a reset".
  const grown = ih(T0 + 1, 1n, [1n, 1n, 1n], [], bits(2), { pos: [{ offset: 0, length: 3 }] });
  // A used bucket disappears: a reset.
  const shrunk = ih(T0 + 2, 1n, [5n], [], bits(3), { pos: [{ offset: 1, length: 1 }] });
  // An empty bucket disappears: no reset.
  const withEmpty = ih(T0 + 3, 1n, [0n, 6n], [], bits(4), { pos: [{ offset: 0, length: 2 }] });
  const dropEmpty = ih(T0 + 4, 1n, [7n], [], bits(5), { pos: [{ offset: 1, length: 1 }] });
  const schema = ih(T0 + 5, 1n, [8n], [], bits(6), { schema: 2, pos: [{ offset: 1, length: 1 }] });
  const threshold = ih(T0 + 6, 1n, [8n], [], bits(7), {
    schema: 2,
    zt: bits(0.5),
    pos: [{ offset: 1, length: 1 }],
  });
  const float = fh(T0 + 7, bits(9), bits(1), [bits(8)], [], bits(8), {
    schema: 2,
    zt: bits(0.5),
    pos: [{ offset: 1, length: 1 }],
  });
  const back = ih(T0 + 7, 1n, [8n], [], bits(9), {
    schema: 2,
    zt: bits(0.5),
    pos: [{ offset: 1, length: 1 }],
  });
  const same = ih(T0 + 8, 1n, [8n], [], bits(10), {
    schema: 2,
    zt: bits(0.5),
    pos: [{ offset: 1, length: 1 }],
  });
  const { chunks, decoded } = encode([
    a,
    grown,
    shrunk,
    withEmpty,
    dropEmpty,
    schema,
    threshold,
    float,
    back,
    same,
  ]);
  assert.deepEqual(sizes(decoded), [1, 1, 1, 1, 1, 1, 1, 1, 2]);
  assert.deepEqual(headers(decoded), [
    'unknown',
    'not_reset',
    'reset',
    'not_reset',
    'not_reset',
    'unknown',
    'unknown',
    'unknown',
    'unknown',
  ]);
  assert.deepEqual(
    chunks.map((c) => c.encoding),
    [2, 2, 2, 2, 2, 2, 2, 3, 2],
  );
  // The same timestamp twice (or going back): a new chunk, each chunk strictly increasing.
  const dup = encode([a, { ...a, sumBits: bits(99) }, ih(T0 - 5, 1n, [1n, 1n], [], bits(1))]).decoded;
  assert.deepEqual(sizes(dup), [1, 1, 1]);
});

test('a chunk whose last write is whole bytes from a byte boundary ends with an empty byte, as in Go', () => {
  // Layout (8 + 1 + 1 + 1 bits), t (8 + 56), count 5000 (6 + 18), zero count 3 (2 + 3): the sum
  // starts at bit 128 of the stream, and Go's writeByte leaves one more (empty) byte after it.
  // Prometheus 2.42 sent exactly these 25 bytes for this histogram.
  const h: IntHistogram = {
    ...ih(T0, 3n, [], [], bits(1.5), { schema: 0, zt: 0n, pos: [] }),
    count: 5000n,
  };
  const { chunks } = encode([h]);
  assert.equal(
    Buffer.from(chunks[0]!.data).toString('hex'),
    '000100001fc0003441e499c01f0271133ff800000000000000',
  );
  // One more histogram: no extra byte at the end any more.
  const { chunks: two } = encode([h, { ...h, timestampMs: T0 + 1, sumBits: bits(2.5) }]);
  assert.notEqual(two[0]!.data.at(-1), 0);
});

test('XOR chunks share the quirk: one sample ends with an empty byte (bytes from Prometheus 2.42)', () => {
  const one = [...xorChunks(new Float64Array([T0 + 5]), new Float64Array([1.5]))];
  assert.equal(Buffer.from(one[0]!.data).toString('hex'), '00018ab8a6f2c1683ff800000000000000');
  const two = [...xorChunks(new Float64Array([T0 + 5, T0 + 6]), new Float64Array([1.5, 1.5]))];
  assert.equal(Buffer.from(two[0]!.data).toString('hex'), '00028ab8a6f2c1683ff80000000000000100');
  assert.equal(decodeXorChunk(one[0]!.data).length, 1);
});

test('histograms whose spans do not match their buckets are refused', () => {
  const bad = { ...ih(T0, 1n, [1n, 2n], [], bits(1)), positiveSpans: [{ offset: 0, length: 3 }] };
  assert.throws(() => [...histogramChunks([bad])], /spans hold 3\/0 buckets/);
});

test('seriesChunks cuts a series into runs of one kind, in time order; frames carry each type', () => {
  const series = makeSeriesRef([{ name: '__name__', value: 'mixed' }]);
  const n = 130;
  const timestamps = new Float64Array(Array.from({ length: n }, (_v, i) => T0 + i * 10_000));
  const values = new Float64Array(Array.from({ length: n }, (_v, i) => i));
  const histograms: NativeHistogram[] = [
    ih(T0 + 5_000, 1n, [1n], [], bits(1)),
    ih(T0 + 6_000, 2n, [2n], [], bits(2)),
    fh(T0 + 1_255_000, bits(3), bits(1), [bits(2)], [], bits(3)),
  ];
  const chunks = [...seriesChunks({ series, timestamps, values, histograms })];
  assert.deepEqual(
    chunks.map((c) => [c.encoding, c.minTimeMs - T0, c.maxTimeMs - T0]),
    [
      [1, 0, 0],
      [2, 5_000, 6_000],
      [1, 10_000, 1_200_000],
      [1, 1_210_000, 1_250_000],
      [3, 1_255_000, 1_255_000],
      [1, 1_260_000, 1_290_000],
    ],
  );
  for (let i = 1; i < chunks.length; i++) {
    assert.ok(chunks[i]!.minTimeMs > chunks[i - 1]!.maxTimeMs, `chunk ${i} overlaps the one before`);
  }
  const frames = [...seriesFrames(series.labels, chunks, 0)];
  const decoded = decodeFrames(Buffer.concat(frames));
  const got = decoded.flatMap((f) => f.series[0]!.chunks);
  assert.deepEqual(
    got.map((c) => c.type),
    [1, 2, 1, 1, 3, 1],
  );
  assert.equal(decodeXorChunk(got[2]!.data).length, 120);
  assert.equal(decodeHistogramChunk(got[1]!.data, 2).histograms.length, 2);
  assert.equal(decodeHistogramChunk(got[4]!.data, 3).histograms.length, 1);
  assert.equal(encodeSeriesLabels(series.labels).length > 0, true);
  // Without histograms it is exactly the XOR chunks.
  assert.deepEqual(
    [...seriesChunks({ series, timestamps, values })].map((c) => c.encoding),
    [1, 1],
  );
});

test('seriesChunks: a float and a histogram at the same millisecond, the float wins', () => {
  const series = makeSeriesRef([{ name: '__name__', value: 'clash' }]);
  const timestamps = new Float64Array([T0, T0 + 2_000]);
  const values = new Float64Array([1, 2]);
  const histograms = [ih(T0 + 1_000, 1n, [1n], [], bits(1)), ih(T0 + 2_000, 2n, [2n], [], bits(2))];
  const chunks = [...seriesChunks({ series, timestamps, values, histograms })];
  assert.deepEqual(
    chunks.map((c) => [c.encoding, c.minTimeMs - T0, c.maxTimeMs - T0]),
    [
      [1, 0, 0],
      [2, 1_000, 1_000],
      [1, 2_000, 2_000],
    ],
  );
});

test('chunks far larger than the first buffer: 500 growing buckets, int then float', () => {
  let pos = Array.from({ length: 500 }, (_v, k) => BigInt(k));
  const ints: NativeHistogram[] = [];
  const floats: NativeHistogram[] = [];
  for (let i = 0; i < 20; i++) {
    pos = pos.map((v, k) => v + BigInt((k * 7919 + i * 104729) % 1_000_000));
    const t = T0 + i * 15_000;
    ints.push(ih(t, 0n, pos, [], bits(i)));
    floats.push(
      fh(
        t + 1,
        bits(i * 1e9),
        0n,
        pos.map((v) => bits(Number(v) / 3)),
        [],
        bits(i),
      ),
    );
  }
  const { chunks, decoded } = encode([...ints, ...floats]);
  assert.deepEqual(sizes(decoded), [20, 20]);
  assert.ok(Math.min(...chunks.map((c) => c.data.length)) > 4000);
});
