// Native histograms and exemplars on PostgreSQL 15 and PGlite: written through the adapter,
// read back through it and compared bit for bit (bigints by ===, typed arrays by their bytes);
// resends change nothing; the range clips, matchers apply, pages (3 rows here) split series,
// runs of equal timestamps and 1,000-series groups; series come in label-set order.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  compareLabelSets,
  makeSeriesRef,
  makeWriteBatch,
  RESET_HINT,
  sortLabels,
  STALE_NAN_BITS,
  type Adapter,
  type Exemplar,
  type FloatHistogram,
  type IntHistogram,
  type Matcher,
  type NativeHistogram,
  type SeriesExemplars,
  type SeriesHistograms,
  type SeriesRef,
  type WriteBatch,
} from '../../src/adapter.js';
import { bitsOf, seriesSamples } from '../../test/contract/adapter-contract.js';
import { startPostgres, type PostgresServer } from '../../test/harness/postgres.js';
import { tempDir } from '../../test/harness/process.js';
import { connectSql, signal, startTestAdapter } from './test-support.js';

const T0 = 1_700_000_000_000;
const U64_MAX = (1n << 64n) - 1n;

const ref = (labels: Record<string, string>): SeriesRef =>
  makeSeriesRef(sortLabels(Object.entries(labels).map(([name, value]) => ({ name, value }))));

const doubles = (bits: readonly bigint[]): Float64Array => {
  const out = new Float64Array(bits.length);
  new BigUint64Array(out.buffer).set(bits);
  return out;
};

function intHistogram(over: Partial<IntHistogram> & { timestampMs: number }): IntHistogram {
  return {
    kind: 'int',
    startTimestampMs: 0,
    schema: 3,
    resetHint: RESET_HINT.UNKNOWN,
    sumBits: bitsOf(12.5),
    zeroThresholdBits: bitsOf(0.001),
    negativeSpans: [],
    positiveSpans: [],
    customValues: new Float64Array(0),
    count: 0n,
    zeroCount: 0n,
    negativeDeltas: new BigInt64Array(0),
    positiveDeltas: new BigInt64Array(0),
    ...over,
  };
}

function floatHistogram(over: Partial<FloatHistogram> & { timestampMs: number }): FloatHistogram {
  return {
    kind: 'float',
    startTimestampMs: 0,
    schema: 0,
    resetHint: RESET_HINT.UNKNOWN,
    sumBits: bitsOf(1),
    zeroThresholdBits: 0n,
    negativeSpans: [],
    positiveSpans: [],
    customValues: new Float64Array(0),
    countBits: bitsOf(3),
    zeroCountBits: 0n,
    negativeCounts: new Float64Array(0),
    positiveCounts: new Float64Array(0),
    ...over,
  };
}

/** Every field, typed arrays as their type and bytes: deepStrictEqual on it compares bits. */
function exact(h: NativeHistogram): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(h).map(([k, v]) => [
      k,
      ArrayBuffer.isView(v)
        ? `${v.constructor.name}:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`
        : v,
    ]),
  );
}

const exactExemplar = (e: Exemplar) => ({
  labels: e.labels.map((l) => [l.name, l.value]),
  timestampMs: e.timestampMs,
  valueBits: BigInt.asUintN(64, e.valueBits),
});

// ---- the data ---------------------------------------------------------------------------------

const intSeries = ref({ __name__: 'nh_int', job: 'a' });
const INT_HISTOGRAMS: IntHistogram[] = [
  intHistogram({
    timestampMs: T0,
    count: 25n,
    zeroCount: 3n,
    // Negative offsets, gaps between spans, both sides.
    positiveSpans: [
      { offset: -2, length: 2 },
      { offset: 3, length: 1 },
      { offset: 0, length: 2 },
    ],
    positiveDeltas: BigInt64Array.from([1n, 2n, -1n, 4n, -3n]),
    negativeSpans: [
      { offset: -5, length: 1 },
      { offset: 7, length: 2 },
    ],
    negativeDeltas: BigInt64Array.from([2n, 0n, 3n]),
  }),
  intHistogram({ timestampMs: T0 + 1000, resetHint: RESET_HINT.YES, count: 1n, zeroCount: 1n }),
  intHistogram({
    timestampMs: T0 + 2000,
    resetHint: RESET_HINT.NO,
    startTimestampMs: T0 - 60_000,
    count: 2n,
    positiveSpans: [{ offset: 0, length: 1 }],
    positiveDeltas: BigInt64Array.from([2n]),
  }),
  intHistogram({
    timestampMs: T0 + 3000,
    schema: 8,
    count: U64_MAX,
    zeroCount: U64_MAX,
    zeroThresholdBits: 0x8000000000000000n,
    positiveSpans: [{ offset: 2_147_483_647, length: 2 }],
    positiveDeltas: BigInt64Array.from([-(1n << 63n), (1n << 63n) - 1n]),
    negativeSpans: [{ offset: -2_147_483_648, length: 1 }],
    negativeDeltas: BigInt64Array.from([-(1n << 63n)]),
  }),
  // Prometheus' stale marker for a native histogram: a NaN sum with the stale bits.
  intHistogram({ timestampMs: T0 + 4000, sumBits: STALE_NAN_BITS, schema: 0, zeroThresholdBits: 0n }),
  // Custom buckets (schema -53), integer counts.
  intHistogram({
    timestampMs: T0 + 5000,
    schema: -53,
    zeroThresholdBits: 0n,
    count: 6n,
    customValues: doubles([bitsOf(0.1), bitsOf(1), bitsOf(10)]),
    positiveSpans: [{ offset: 0, length: 4 }],
    positiveDeltas: BigInt64Array.from([1n, 1n, -1n, 2n]),
  }),
];

const floatSeries = ref({ __name__: 'nh_float', job: 'b' });
const FLOAT_HISTOGRAMS: FloatHistogram[] = [
  floatHistogram({
    timestampMs: T0,
    countBits: 0x7ff8000000000001n,
    sumBits: 0x8000000000000000n,
    zeroCountBits: 0x8000000000000000n,
    zeroThresholdBits: bitsOf(1e-128),
    resetHint: RESET_HINT.GAUGE,
    schema: -4,
    positiveSpans: [
      { offset: -3, length: 3 },
      { offset: 2, length: 2 },
    ],
    positiveCounts: doubles([
      0x7ff0000000000000n,
      0xfff0000000000000n,
      0x7ff4000000000000n,
      0x8000000000000000n,
      bitsOf(1.5),
    ]),
    negativeSpans: [{ offset: 1, length: 2 }],
    negativeCounts: doubles([0xffffffffffffffffn, 0x0000000000000001n]),
  }),
  floatHistogram({ timestampMs: T0 + 1000, resetHint: RESET_HINT.YES, countBits: 0x7ff0000000000000n }),
  floatHistogram({ timestampMs: T0 + 2000, resetHint: RESET_HINT.NO, startTimestampMs: 1 }),
  floatHistogram({ timestampMs: T0 + 3000, sumBits: STALE_NAN_BITS, countBits: 0n }),
  floatHistogram({
    timestampMs: T0 + 4000,
    schema: -53,
    resetHint: RESET_HINT.GAUGE,
    customValues: doubles([bitsOf(-1), 0x8000000000000000n, bitsOf(2.5), 0x7ff0000000000000n]),
    positiveSpans: [{ offset: 1, length: 3 }],
    positiveCounts: doubles([bitsOf(0.5), 0n, bitsOf(7)]),
  }),
];

const mixedSeries = ref({ __name__: 'nh_mixed', job: 'c' });
const MIXED_HISTOGRAMS = [intHistogram({ timestampMs: T0 + 2500, count: 4n, zeroCount: 4n })];
const MIXED_SAMPLES: [number, bigint][] = [
  [T0, bitsOf(1)],
  [T0 + 1000, 0x7ff8000000000001n],
  [T0 + 5000, bitsOf(3)],
];

const exemplarSeries = ref({ __name__: 'nh_mixed', job: 'c' });
const EXEMPLARS: Exemplar[] = [
  {
    // Not in name order: labels keep the order sent.
    labels: [
      { name: 'trace_id', value: '4bf92f3577b34da6' },
      { name: 'span_id', value: 'ünï 😀 "q" \\' },
    ],
    timestampMs: T0 + 1000,
    valueBits: bitsOf(0.25),
  },
  { labels: [], timestampMs: T0, valueBits: 0x7ff8000000000001n },
  // Same ms, different labels and values: all kept.
  { labels: [{ name: 'trace_id', value: 'x' }], timestampMs: T0 + 2000, valueBits: STALE_NAN_BITS },
  { labels: [{ name: 'trace_id', value: 'y' }], timestampMs: T0 + 2000, valueBits: 0x8000000000000000n },
  { labels: [{ name: 'trace_id', value: 'y' }], timestampMs: T0 + 2000, valueBits: bitsOf(-7) },
  { labels: [], timestampMs: T0 + 2000, valueBits: 0xfff0000000000000n },
  { labels: [{ name: '1', value: 'numeric name' }], timestampMs: T0 + 3000, valueBits: bitsOf(1e300) },
];
const exemplarOnlySeries = ref({ __name__: 'nh_exemplar_only' });
const EXEMPLARS_ONLY: Exemplar[] = [{ labels: [], timestampMs: T0 + 10, valueBits: bitsOf(5) }];

function roundTripBatch(): WriteBatch {
  return makeWriteBatch({
    series: [seriesSamples({ labels: { __name__: 'nh_mixed', job: 'c' }, samples: MIXED_SAMPLES })],
    histograms: [
      { series: intSeries, histograms: INT_HISTOGRAMS },
      { series: floatSeries, histograms: FLOAT_HISTOGRAMS },
      { series: mixedSeries, histograms: MIXED_HISTOGRAMS },
    ],
    exemplars: [
      { series: exemplarSeries, exemplars: EXEMPLARS },
      { series: exemplarOnlySeries, exemplars: EXEMPLARS_ONLY },
    ],
  });
}

// ---- reading back -------------------------------------------------------------------------------

interface ReadBack {
  key: string;
  labels: SeriesRef['labels'];
  samples: [number, bigint][];
  histograms: NativeHistogram[];
}

/** read() in order; checks label-set order, one yield per series, histograms sorted. */
async function readNative(
  adapter: Adapter,
  matchers: readonly Matcher[],
  startMs = T0 - 1e9,
  endMs = T0 + 1e9,
): Promise<ReadBack[]> {
  const out: ReadBack[] = [];
  for await (const s of adapter.read!({ startMs, endMs, matchers }, signal())) {
    const last = out[out.length - 1];
    if (last !== undefined) assert.ok(compareLabelSets(last.labels, s.series.labels) < 0, 'not sorted');
    const words = new BigUint64Array(s.values.buffer, s.values.byteOffset, s.values.length);
    const histograms = s.histograms ?? [];
    for (let i = 1; i < histograms.length; i++)
      assert.ok(histograms[i - 1]!.timestampMs < histograms[i]!.timestampMs, 'histograms not sorted');
    out.push({
      key: s.series.key,
      labels: s.series.labels,
      samples: [...s.timestamps].map((ts, i) => [ts, words[i]!]),
      histograms: [...histograms],
    });
  }
  return out;
}

async function readExemplars(
  adapter: Adapter,
  matchers: readonly Matcher[],
  startMs = T0 - 1e9,
  endMs = T0 + 1e9,
): Promise<SeriesExemplars[]> {
  const out: SeriesExemplars[] = [];
  for await (const s of adapter.readExemplars!({ startMs, endMs, matchers }, signal())) {
    const last = out[out.length - 1];
    if (last !== undefined)
      assert.ok(compareLabelSets(last.series.labels, s.series.labels) < 0, 'not sorted');
    for (let i = 1; i < s.exemplars.length; i++)
      assert.ok(s.exemplars[i - 1]!.timestampMs <= s.exemplars[i]!.timestampMs, 'exemplars not sorted');
    out.push(s);
  }
  return out;
}

const byTs = <T extends { timestampMs: number }>(list: readonly T[]) =>
  [...list].sort((a, b) => a.timestampMs - b.timestampMs);

/** Exemplars compared as a multiset per ms (order among equal timestamps is the adapter's). */
const exemplarSet = (list: readonly Exemplar[]) =>
  list
    .map((e) => JSON.stringify(exactExemplar(e), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))
    .sort();

const re = (name: string, value: string): Matcher => ({ type: 'RE', name, value });
const eq = (name: string, value: string): Matcher => ({ type: 'EQ', name, value });

// ---- the suite, on both drivers -----------------------------------------------------------------

function nativeSuite(
  name: string,
  open: () => Promise<{ adapter: Adapter; sql?: pg.Client; done(): Promise<void> }>,
) {
  describe(`native histograms and exemplars: ${name}`, () => {
    let adapter: Adapter;
    let sql: pg.Client | undefined;
    let done: () => Promise<void>;
    before(async () => {
      ({ adapter, sql, done } = await open());
    });
    after(async () => {
      await adapter?.close();
      await done?.();
    });

    it('declares histograms, exemplars and sorted reads', () => {
      assert.equal(adapter.capabilities.histograms, true);
      assert.equal(adapter.capabilities.exemplars, true);
      assert.equal(adapter.capabilities.sortedRead, true);
      assert.equal(typeof adapter.readExemplars, 'function');
    });

    it('native histograms (integer and float, positive/negative spans, zero bucket, reset hints) and exemplars round-trip bit-exactly through PostgreSQL', async () => {
      const batch = roundTripBatch();
      const outcome = await adapter.write(batch, signal());
      assert.deepEqual(outcome, {
        written: MIXED_SAMPLES.length,
        rejected: [],
        writtenHistograms: INT_HISTOGRAMS.length + FLOAT_HISTOGRAMS.length + MIXED_HISTOGRAMS.length,
        writtenExemplars: EXEMPLARS.length + EXEMPLARS_ONLY.length,
      });

      const got = await readNative(adapter, [re('__name__', 'nh_.*')]);
      // The exemplar-only series has neither samples nor histograms: read() does not return it.
      assert.deepEqual(
        got.map((g) => g.key),
        [floatSeries.key, intSeries.key, mixedSeries.key],
      );
      const want = new Map<string, NativeHistogram[]>([
        [intSeries.key, INT_HISTOGRAMS],
        [floatSeries.key, FLOAT_HISTOGRAMS],
        [mixedSeries.key, MIXED_HISTOGRAMS],
      ]);
      for (const g of got) {
        assert.deepStrictEqual(g.histograms.map(exact), byTs(want.get(g.key)!).map(exact), g.key);
      }
      const mixed = got.find((g) => g.key === mixedSeries.key)!;
      assert.deepStrictEqual(mixed.samples, MIXED_SAMPLES);
      assert.deepStrictEqual(got.find((g) => g.key === intSeries.key)!.samples, []);
      // The stale marker survives as exact sum bits.
      assert.equal(
        got.find((g) => g.key === intSeries.key)!.histograms.filter((h) => h.sumBits === STALE_NAN_BITS)
          .length,
        1,
      );

      const exemplars = await readExemplars(adapter, [re('__name__', 'nh_.*')]);
      assert.deepEqual(
        exemplars.map((e) => e.series.key),
        [exemplarOnlySeries.key, exemplarSeries.key],
      );
      assert.deepStrictEqual(exemplarSet(exemplars[1]!.exemplars), exemplarSet(EXEMPLARS));
      assert.deepStrictEqual(exemplars[0]!.exemplars.map(exactExemplar), EXEMPLARS_ONLY.map(exactExemplar));
      // Labels in the order sent, unicode and quotes intact.
      const first = exemplars[1]!.exemplars.find((e) => e.timestampMs === T0 + 1000)!;
      assert.deepEqual(
        first.labels.map((l) => l.name),
        ['trace_id', 'span_id'],
      );
    });

    it('a resend stores nothing twice and reports the same counts', async () => {
      const prior = await readNative(adapter, [re('__name__', 'nh_.*')]);
      const priorEx = await readExemplars(adapter, [re('__name__', 'nh_.*')]);
      const batch = roundTripBatch();
      const outcome = await adapter.write(batch, signal());
      assert.deepEqual(outcome, {
        written: batch.sampleCount,
        rejected: [],
        writtenHistograms: batch.histogramCount,
        writtenExemplars: batch.exemplarCount,
      });
      const later = await readNative(adapter, [re('__name__', 'nh_.*')]);
      assert.deepStrictEqual(
        later.map((g) => [g.key, g.samples, g.histograms.map(exact)]),
        prior.map((g) => [g.key, g.samples, g.histograms.map(exact)]),
      );
      const afterEx = await readExemplars(adapter, [re('__name__', 'nh_.*')]);
      assert.deepStrictEqual(
        afterEx.map((s) => exemplarSet(s.exemplars)),
        priorEx.map((s) => exemplarSet(s.exemplars)),
      );
      if (sql !== undefined) {
        const { rows } = await sql.query(
          `SELECT (SELECT count(*)::int FROM promgate.histogram_values WHERE metric_name LIKE 'nh\\_%') AS h,
                  (SELECT count(*)::int FROM promgate.exemplars e JOIN promgate.series r ON r.id = e.series_id
                   WHERE r.metric_name LIKE 'nh\\_%') AS e`,
        );
        assert.deepEqual(rows[0], {
          h: batch.histogramCount,
          e: batch.exemplarCount,
        });
      }
    });

    it('keeps one copy of a histogram or exemplar repeated inside one batch (first wins)', async () => {
      const s = ref({ __name__: 'dup_native' });
      const e: Exemplar = { labels: [{ name: 'a', value: 'b' }], timestampMs: T0, valueBits: bitsOf(1) };
      const outcome = await adapter.write(
        makeWriteBatch({
          histograms: [
            {
              series: s,
              histograms: [
                intHistogram({ timestampMs: T0, count: 1n }),
                intHistogram({ timestampMs: T0, count: 2n }),
              ],
            },
          ],
          exemplars: [{ series: s, exemplars: [e, e] }],
        }),
        signal(),
      );
      assert.equal(outcome.writtenHistograms, 2);
      assert.equal(outcome.writtenExemplars, 2);
      const [got] = await readNative(adapter, [eq('__name__', 'dup_native')]);
      assert.equal(got!.histograms.length, 1);
      assert.equal((got!.histograms[0] as IntHistogram).count, 1n);
      const [ex] = await readExemplars(adapter, [eq('__name__', 'dup_native')]);
      assert.equal(ex!.exemplars.length, 1);
    });

    it('clips histograms and exemplars to the range and applies matchers', async () => {
      const inRange = (t: number) => t >= T0 + 1000 && t <= T0 + 3000;
      const got = await readNative(adapter, [re('__name__', 'nh_.*'), eq('job', 'a')], T0 + 1000, T0 + 3000);
      assert.deepEqual(
        got.map((g) => g.key),
        [intSeries.key],
      );
      assert.deepStrictEqual(
        got[0]!.histograms.map(exact),
        INT_HISTOGRAMS.filter((h) => inRange(h.timestampMs)).map(exact),
      );
      // Only histograms in range for nh_mixed (T0+2500), samples none: still returned.
      const mixed = await readNative(adapter, [eq('__name__', 'nh_mixed')], T0 + 2000, T0 + 3000);
      assert.equal(mixed.length, 1);
      assert.deepStrictEqual(mixed[0]!.samples, []);
      assert.deepStrictEqual(mixed[0]!.histograms.map(exact), MIXED_HISTOGRAMS.map(exact));
      // A range where a series has nothing leaves it out.
      assert.deepEqual(await readNative(adapter, [eq('__name__', 'nh_float')], T0 + 4001, T0 + 9000), []);

      const ex = await readExemplars(adapter, [re('__name__', 'nh_.*')], T0 + 1000, T0 + 2000);
      assert.deepEqual(
        ex.map((e) => e.series.key),
        [exemplarSeries.key],
      );
      assert.deepStrictEqual(
        exemplarSet(ex[0]!.exemplars),
        exemplarSet(EXEMPLARS.filter((e) => e.timestampMs >= T0 + 1000 && e.timestampMs <= T0 + 2000)),
      );
      assert.deepEqual(
        await readExemplars(adapter, [eq('__name__', 'nh_exemplar_only')], T0 + 11, T0 + 20),
        [],
      );
      assert.deepEqual(await readExemplars(adapter, [eq('job', 'nope')]), []);
    });

    it('rejects, by kind and reason, histograms of unstorable series and exemplars with NUL labels', async () => {
      const bad = ref({ __name__: 'nh_hostile', v: 'nul\u0000' });
      const good = ref({ __name__: 'nh_hostile', v: 'ok' });
      const outcome = await adapter.write(
        makeWriteBatch({
          histograms: [
            { series: bad, histograms: [intHistogram({ timestampMs: T0 })] },
            { series: good, histograms: [intHistogram({ timestampMs: T0 })] },
          ],
          exemplars: [
            {
              series: good,
              exemplars: [
                { labels: [{ name: 'trace_id', value: 'a\u0000b' }], timestampMs: T0, valueBits: 1n },
                { labels: [{ name: 'half', value: '\ud800' }], timestampMs: T0, valueBits: 1n },
                { labels: [{ name: 'trace_id', value: 'fine' }], timestampMs: T0, valueBits: 1n },
              ],
            },
            { series: bad, exemplars: [{ labels: [], timestampMs: T0, valueBits: 1n }] },
          ],
        }),
        signal(),
      );
      assert.equal(outcome.written, 0);
      assert.equal(outcome.writtenHistograms, 1);
      assert.equal(outcome.writtenExemplars, 1);
      assert.deepEqual(outcome.rejected.map((r) => [r.kind, r.reason, r.count]).sort(), [
        ['exemplar', 'invalid_unicode', 1],
        ['exemplar', 'nul_in_label', 2],
        ['histogram', 'nul_in_label', 1],
      ]);
      const ex = await readExemplars(adapter, [eq('__name__', 'nh_hostile')]);
      assert.deepEqual(
        ex.map((s) => s.exemplars.map((e) => e.labels[0]?.value)),
        [['fine']],
      );
    });

    it('pages through 1,050 series of samples, histograms or both, and runs of equal timestamps', async () => {
      const series: ReturnType<typeof seriesSamples>[] = [];
      const histograms: SeriesHistograms[] = [];
      const exemplars: SeriesExemplars[] = [];
      for (let k = 0; k < 1_050; k++) {
        const labels = { __name__: 'nh_paged', k: String(k) };
        if (k % 3 !== 1)
          series.push(
            seriesSamples({
              labels,
              samples: [
                [T0, bitsOf(k)],
                [T0 + 1, bitsOf(-k)],
              ],
            }),
          );
        if (k % 3 !== 0)
          histograms.push({
            series: ref(labels),
            histograms: [0, 1, 2, 3].map((i) => intHistogram({ timestampMs: T0 + i, count: BigInt(k) })),
          });
        if (k % 100 === 0)
          exemplars.push({
            series: ref(labels),
            exemplars: Array.from({ length: 7 }, (_, i) => ({
              labels: [{ name: 'i', value: String(i) }],
              timestampMs: T0 + (i < 5 ? 0 : i),
              valueBits: bitsOf(i),
            })),
          });
      }
      await adapter.write(makeWriteBatch({ series, histograms, exemplars }), signal());
      const got = await readNative(adapter, [eq('__name__', 'nh_paged')]);
      assert.equal(got.length, 1_050);
      for (const g of got) {
        const k = Number(g.labels.find((l) => l.name === 'k')!.value);
        assert.equal(g.samples.length, k % 3 !== 1 ? 2 : 0, `k=${k}`);
        assert.deepEqual(
          g.histograms.map((h) => [h.timestampMs, (h as IntHistogram).count]),
          k % 3 !== 0 ? [0, 1, 2, 3].map((i) => [T0 + i, BigInt(k)]) : [],
          `k=${k}`,
        );
      }
      const ex = await readExemplars(adapter, [eq('__name__', 'nh_paged')]);
      assert.equal(ex.length, 11);
      for (const s of ex) {
        assert.deepEqual(s.exemplars.map((e) => e.labels[0]!.value).sort(), [
          '0',
          '1',
          '2',
          '3',
          '4',
          '5',
          '6',
        ]);
      }
    });

    if (name.startsWith('PostgreSQL')) {
      it('shows SQL users plain histogram columns and exemplar labels as [name, value] pairs', async () => {
        const { rows } = await sql!.query(
          `SELECT ts::text, start_ts::text, is_float, schema, reset_hint, count::text, sum::text, is_stale
           FROM promgate.histogram_values WHERE metric_name = 'nh_int' ORDER BY ts`,
        );
        assert.deepEqual(
          rows.map((r) => [r.start_ts, r.is_float, r.schema, r.reset_hint, r.count, r.sum, r.is_stale]),
          [
            [null, false, 3, 0, '25', '12.5', false],
            [null, false, 3, 1, '1', '12.5', false],
            [String(T0 - 60_000), false, 3, 2, '2', '12.5', false],
            [null, false, 8, 0, '1.8446744073709552e+19', '12.5', false],
            [null, false, 0, 0, '0', 'NaN', true],
            [null, false, -53, 0, '6', '12.5', false],
          ],
        );
        const ex = await sql!.query(
          `SELECT e.labels, e.value::text, e.value_bits::text FROM promgate.exemplars e
           JOIN promgate.series r ON r.id = e.series_id
           WHERE r.metric_name = 'nh_mixed' AND e.ts = $1 ORDER BY e.value`,
          [T0 + 1000],
        );
        assert.deepEqual(ex.rows, [
          {
            labels: [
              ['trace_id', '4bf92f3577b34da6'],
              ['span_id', 'ünï 😀 "q" \\'],
            ],
            value: '0.25',
            value_bits: null,
          },
        ]);
      });
    }
  });
}

let server: PostgresServer | undefined;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.destroy();
});

nativeSuite('PostgreSQL 15', async () => {
  const adapter = await startTestAdapter({ url: server!.url, read_chunk_samples: 3 });
  const sql = await connectSql(server!.url);
  return { adapter, sql, done: () => sql.end() };
});

nativeSuite('PGlite', async () => {
  const dir = tempDir('pglite-native');
  const adapter = await startTestAdapter({ url: `pglite://${dir.path}`, read_chunk_samples: 3 });
  return { adapter, done: async () => dir.remove() };
});
