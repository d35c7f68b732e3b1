// The remote write 2.0 decoder (src/codec/write-v2.ts) against protobufjs reading our own
// proto/io/prometheus/write/v2/types.proto: every field of the message set, random requests,
// exact value bits, grouping, metadata, and a table of malformed symbol tables and refs.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeV2Schema } from '../../src/codec/proto-schema.js';
import { createWriteV2Decoder } from '../../src/codec/write-v2.js';
import { RequestError } from '../../src/errors.js';
import { seriesKey, valueBits, type Label, type MetricMetadata } from '../../src/model.js';
import { bitsOf, encodeWriteRequest } from '../support/encode-write.js';
import {
  encodeRawV2Request,
  encodeWriteV2Request,
  histogramBody,
  Symbolizer,
  type RawV2Series,
} from '../support/encode-write-v2.js';
import {
  assertAgrees,
  GO_NAN,
  ORACLE_OBJECT_OPTIONS,
  plainLabels,
  rejects,
  STALE,
  type Expected,
} from './oracle.js';

const newDecoder = (options: Partial<Parameters<typeof createWriteV2Decoder>[0]> = {}) =>
  createWriteV2Decoder({ maxCachedSeries: 10_000, ...options });

interface OracleV2 {
  symbols: string[];
  timeseries: {
    labelsRefs: number[];
    samples: { value: number; timestamp: number; startTimestamp: number }[];
    histograms: unknown[];
    exemplars: unknown[];
    metadata: { type: number; helpRef: number; unitRef: number } | null;
    createdTimestamp: number;
  }[];
}

/** protobufjs' reading of a 2.0 body, resolved and grouped the way the decoder must do it. */
function oracleV2(body: Buffer): Expected {
  const T = writeV2Schema().Request;
  const o = T.toObject(T.decode(body), ORACLE_OBJECT_OPTIONS) as OracleV2;
  const groups = new Map<string, { labels: Label[]; timestamps: number[]; values: number[] }>();
  const metadata = new Map<string, MetricMetadata>();
  let sampleCount = 0;
  let histogramCount = 0;
  let exemplarCount = 0;
  for (const ts of o.timeseries) {
    histogramCount += ts.histograms.length;
    exemplarCount += ts.exemplars.length;
    const labels: Label[] = [];
    for (let i = 0; i < ts.labelsRefs.length; i += 2) {
      const value = o.symbols[ts.labelsRefs[i + 1]!]!;
      if (value !== '') labels.push({ name: o.symbols[ts.labelsRefs[i]!]!, value });
    }
    const key = seriesKey(labels);
    let g = groups.get(key);
    if (g === undefined) {
      g = { labels, timestamps: [], values: [] };
      groups.set(key, g);
    }
    for (const s of ts.samples) {
      g.timestamps.push(s.timestamp);
      g.values.push(s.value);
      sampleCount++;
    }
    const md = ts.metadata;
    const name = labels.find((l) => l.name === '__name__')?.value ?? '';
    if (md !== null && (md.type !== 0 || md.helpRef !== 0 || md.unitRef !== 0) && name !== '') {
      if (!metadata.has(name)) {
        metadata.set(name, {
          type: md.type,
          metricFamilyName: name,
          help: o.symbols[md.helpRef]!,
          unit: o.symbols[md.unitRef]!,
        });
      }
    }
  }
  return {
    series: [...groups.values()].filter((g) => g.timestamps.length > 0),
    sampleCount,
    metadata: [...metadata.values()],
    histogramCount,
    exemplarCount,
  };
}

/** Encodes a plain object with protobufjs from our .proto. */
function protobufjsBody(request: Record<string, unknown>): Buffer {
  const T = writeV2Schema().Request;
  const err = T.verify(request);
  assert.equal(err, null, `test request does not fit the schema: ${err}`);
  return Buffer.from(T.encode(T.fromObject(request)).finish());
}

describe('write v2 decoder: agreement with protobufjs on our own .proto', () => {
  it('decodes a request using every field of the 2.0 message set', () => {
    const symbols = [
      '',
      '__name__',
      'http_request_duration_seconds',
      'job',
      'api',
      'Request latency.',
      'seconds',
      'trace_id',
      'abc123',
      'rpc_requests_total',
      'zone',
      'eu-1',
      'empty',
    ];
    const intHistogram = {
      countInt: 12,
      sum: 3.25,
      schema: 3,
      zeroThreshold: 1e-128,
      zeroCountInt: 2,
      negativeSpans: [{ offset: -2, length: 2 }],
      negativeDeltas: [1, 2],
      positiveSpans: [
        { offset: 0, length: 2 },
        { offset: 3, length: 1 },
      ],
      positiveDeltas: [1, -1, 4],
      resetHint: 2,
      timestamp: 1_700_000_000_500,
      startTimestamp: 1_699_999_000_000,
    };
    const floatHistogram = {
      countFloat: 7.5,
      sum: -2.5,
      schema: -53,
      zeroCountFloat: 0.5,
      negativeCounts: [],
      positiveSpans: [{ offset: 0, length: 3 }],
      positiveCounts: [1.5, 2, 4],
      customValues: [0.1, 0.5, 1],
      resetHint: 3,
      timestamp: 1_700_000_001_000,
    };
    const body = protobufjsBody({
      symbols,
      timeseries: [
        {
          // A histogram series (samples absent) with an exemplar and full metadata.
          labelsRefs: [1, 2, 3, 4],
          histograms: [intHistogram, floatHistogram],
          exemplars: [{ labelsRefs: [7, 8], value: 0.042, timestamp: 1_700_000_000_400 }],
          metadata: { type: 3, helpRef: 5, unitRef: 6 },
          createdTimestamp: 1_699_000_000_000, // rc.3
        },
        {
          labelsRefs: [1, 9, 3, 4, 10, 11],
          samples: [
            { value: 1, timestamp: 1_700_000_000_000, startTimestamp: 1_690_000_000_000 }, // rc.4
            { value: -0.5, timestamp: 1_700_000_015_000 },
          ],
          exemplars: [{ labelsRefs: [], value: 1, timestamp: 1_700_000_000_000 }],
          metadata: { type: 1, helpRef: 0, unitRef: 0 },
        },
        {
          // The same label set again, plus an empty-valued label that does not count.
          labelsRefs: [1, 9, 12, 0, 3, 4, 10, 11],
          samples: [{ value: 2, timestamp: 1_700_000_030_000 }],
          metadata: { type: 2, helpRef: 5, unitRef: 0 },
        },
      ],
    });
    const decoded = newDecoder().decode(body);
    const expected = oracleV2(body);
    assertAgrees(decoded, expected);
    assert.equal(decoded.series.length, 1, 'float samples: one series');
    assert.equal(decoded.histogramCount, 2);
    assert.equal(decoded.exemplarCount, 2);
    // The histograms, field by field, exactly (protobufjs wrote them).
    assert.equal(decoded.histograms.length, 1);
    assert.equal(decoded.histograms[0]!.series.metricName, 'http_request_duration_seconds');
    const [ih, fh] = decoded.histograms[0]!.histograms;
    assert.ok(ih?.kind === 'int' && fh?.kind === 'float');
    assert.deepEqual(
      {
        count: ih.count,
        zeroCount: ih.zeroCount,
        sum: ih.sumBits,
        schema: ih.schema,
        zt: ih.zeroThresholdBits,
        neg: [ih.negativeSpans, [...ih.negativeDeltas]],
        pos: [ih.positiveSpans, [...ih.positiveDeltas]],
        hint: ih.resetHint,
        ts: ih.timestampMs,
        start: ih.startTimestampMs,
      },
      {
        count: 12n,
        zeroCount: 2n,
        sum: bitsOf(3.25),
        schema: 3,
        zt: bitsOf(1e-128),
        neg: [[{ offset: -2, length: 2 }], [1n, 2n]],
        pos: [
          [
            { offset: 0, length: 2 },
            { offset: 3, length: 1 },
          ],
          [1n, -1n, 4n],
        ],
        hint: 2,
        ts: 1_700_000_000_500,
        start: 1_699_999_000_000, // its own start timestamp wins over the series' created one
      },
    );
    assert.deepEqual(
      {
        count: fh.countBits,
        zeroCount: fh.zeroCountBits,
        sum: fh.sumBits,
        schema: fh.schema,
        pos: [fh.positiveSpans, [...fh.positiveCounts]],
        neg: fh.negativeCounts.length,
        custom: [...fh.customValues],
        hint: fh.resetHint,
        start: fh.startTimestampMs,
      },
      {
        count: bitsOf(7.5),
        zeroCount: bitsOf(0.5),
        sum: bitsOf(-2.5),
        schema: -53,
        pos: [[{ offset: 0, length: 3 }], [1.5, 2, 4]],
        neg: 0,
        custom: [0.1, 0.5, 1],
        hint: 3,
        start: 1_699_000_000_000, // the series' rc.3 created timestamp
      },
    );
    assert.deepEqual(
      decoded.exemplars.map((e) => [
        e.series.metricName,
        e.exemplars.map((x) => [x.labels, x.valueBits, x.timestampMs]),
      ]),
      [
        [
          'http_request_duration_seconds',
          [[[{ name: 'trace_id', value: 'abc123' }], bitsOf(0.042), 1_700_000_000_400]],
        ],
        ['rpc_requests_total', [[[], bitsOf(1), 1_700_000_000_000]]],
      ],
    );
    assert.deepEqual(decoded.metadata, [
      {
        type: 3,
        metricFamilyName: 'http_request_duration_seconds',
        help: 'Request latency.',
        unit: 'seconds',
      },
      { type: 1, metricFamilyName: 'rpc_requests_total', help: '', unit: '' },
    ]);
    assert.deepEqual(plainLabels(decoded.series[0]!.series.labels), [
      { name: '__name__', value: 'rpc_requests_total' },
      { name: 'job', value: 'api' },
      { name: 'zone', value: 'eu-1' },
    ]);
    assert.deepEqual(
      Array.from(decoded.series[0]!.timestamps),
      [1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000],
    );
  });

  it('agrees on random requests (shared and duplicated symbols, interleaved series, unpacked refs)', () => {
    let seed = 7;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const values = ['a', 'b', 'ü', '\u{1F600}', '', 'x y', '0'];
    const decoder = newDecoder({ maxCachedSeries: 64 });
    for (let round = 0; round < 200; round++) {
      const sym = new Symbolizer();
      const pool: Label[][] = [];
      for (let i = 0; i < 6; i++) {
        const labels: Label[] = [{ name: '__name__', value: `m${i % 3}` }];
        for (const name of ['env', 'job', 'zone']) {
          if (rand() < 0.7) labels.push({ name, value: values[Math.floor(rand() * values.length)]! });
        }
        pool.push(labels);
      }
      const timeseries: Record<string, unknown>[] = [];
      const entries = 1 + Math.floor(rand() * 12);
      for (let e = 0; e < entries; e++) {
        const labels = pool[Math.floor(rand() * pool.length)]!;
        const refs: number[] = [];
        for (const l of labels) {
          // Sometimes a duplicate symbol: different refs, same label set.
          const dup = rand() < 0.2;
          refs.push(sym.ref(l.name), dup ? sym.symbols.push(l.value) - 1 : sym.ref(l.value));
        }
        const hist = rand() < 0.2;
        const samples = hist
          ? []
          : Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, j) => ({
              value: rand() < 0.1 ? Number.NaN : Math.round(rand() * 1000) / 8,
              timestamp: 1_700_000_000_000 + round * 1000 + e * 10 + j,
            }));
        timeseries.push({
          labelsRefs: refs,
          samples,
          histograms: hist ? [{ countInt: 1, timestamp: 1 }] : [],
          exemplars: rand() < 0.2 ? [{ labelsRefs: [], value: 1, timestamp: 2 }] : [],
          metadata: rand() < 0.3 ? { type: Math.floor(rand() * 8), helpRef: sym.ref('help') } : undefined,
        });
      }
      const body = protobufjsBody({ symbols: sym.symbols, timeseries });
      assertAgrees(decoder.decode(body), oracleV2(body));
    }
  });

  it('accepts labels_refs unpacked or split over fields like packed ones', () => {
    const symbols = ['', '__name__', 'up', 'job', 'a'];
    const sample = (t: number) => [{ timestampMs: t, value: t }];
    const body = encodeRawV2Request(symbols, [
      { labelsRefs: [1, 2, 3, 4], samples: sample(1) },
      { labelsRefs: [1, 2, 3, 4], unpacked: true, samples: sample(2) },
    ]);
    const decoded = newDecoder().decode(body);
    assertAgrees(decoded, oracleV2(body));
    assert.equal(decoded.series.length, 1);
    assert.equal(decoded.series[0]!.timestamps.length, 2);
  });
});

describe('write v2 decoder: values, grouping, identity', () => {
  it('keeps value bits exactly: stale marker, Go NaN, a NaN payload, -0, ±Inf', () => {
    const bits = [
      STALE,
      GO_NAN,
      0x7ff4000000000abcn,
      0x8000000000000000n,
      0x7ff0000000000000n,
      0xfff0000000000000n,
    ];
    const body = encodeWriteV2Request(
      bits.map((b, i) => ({
        labels: [{ name: '__name__', value: 'bits' }],
        samples: [{ timestampMs: 1000 + i, bits: b }],
      })),
    );
    const decoded = newDecoder().decode(body);
    assert.equal(decoded.series.length, 1);
    const values = decoded.series[0]!.values;
    assert.deepEqual(
      bits.map((_, i) => valueBits(values, i)),
      bits,
    );
  });

  it('groups interleaved entries by label set, in arrival order, and keeps the SeriesRef across requests', () => {
    const a = [{ name: '__name__', value: 'a' }];
    const b = [{ name: '__name__', value: 'b' }];
    const decoder = newDecoder();
    const first = decoder.decode(
      encodeWriteV2Request([
        { labels: a, samples: [{ timestampMs: 1, value: 1 }] },
        { labels: b, samples: [{ timestampMs: 1, value: 10 }] },
        { labels: a, samples: [{ timestampMs: 2, value: 2 }] },
      ]),
    );
    assert.deepEqual(
      first.series.map((s) => [s.series.metricName, Array.from(s.timestamps), Array.from(s.values)]),
      [
        ['a', [1, 2], [1, 2]],
        ['b', [1], [10]],
      ],
    );
    // Another request, another symbols table (b's strings first): same SeriesRef objects.
    const second = decoder.decode(
      encodeWriteV2Request([
        { labels: b, samples: [{ timestampMs: 3, value: 1 }] },
        { labels: a, samples: [{ timestampMs: 3, value: 1 }] },
      ]),
    );
    assert.equal(second.series[0]!.series, first.series[1]!.series);
    assert.equal(second.series[1]!.series, first.series[0]!.series);
    assert.equal(decoder.seriesBuilt(), 2);
    assert.equal(decoder.cachedSeries(), 2);
  });

  it('metadata: one entry per family, UNSPECIFIED without text dropped, none without __name__', () => {
    const body = encodeWriteV2Request([
      {
        labels: [{ name: '__name__', value: 'up' }],
        samples: [{ timestampMs: 1, value: 1 }],
        metadata: { type: 0 },
      },
      {
        labels: [{ name: 'job', value: 'nameless' }],
        samples: [{ timestampMs: 1, value: 1 }],
        metadata: { type: 2, help: 'no family' },
      },
      {
        labels: [
          { name: '__name__', value: 'temp' },
          { name: 'room', value: '1' },
        ],
        samples: [{ timestampMs: 1, value: 20 }],
        metadata: { type: 2, help: 'Temperature.', unit: 'celsius' },
      },
      {
        labels: [
          { name: '__name__', value: 'temp' },
          { name: 'room', value: '2' },
        ],
        samples: [{ timestampMs: 1, value: 21 }],
        metadata: { type: 2, help: 'Temperature.', unit: 'celsius' },
      },
    ]);
    assert.deepEqual(newDecoder().decode(body).metadata, [
      { type: 2, metricFamilyName: 'temp', help: 'Temperature.', unit: 'celsius' },
    ]);
  });

  it('accepts rc.3 created_timestamp and rc.4 start_timestamp and ignores them (not in the model yet)', () => {
    const labels = [{ name: '__name__', value: 'c_total' }];
    const rc3 = encodeWriteV2Request([
      { labels, samples: [{ timestampMs: 5000, value: 3 }], createdTimestampMs: 1000 },
    ]);
    const rc4 = encodeWriteV2Request([
      { labels, samples: [{ timestampMs: 5000, value: 3, startTimestampMs: 1000 }] },
    ]);
    const plain = encodeWriteV2Request([{ labels, samples: [{ timestampMs: 5000, value: 3 }] }]);
    const want = newDecoder().decode(plain);
    for (const body of [rc3, rc4]) {
      const got = newDecoder().decode(body);
      assert.deepEqual(Array.from(got.series[0]!.timestamps), Array.from(want.series[0]!.timestamps));
      assert.equal(valueBits(got.series[0]!.values, 0), valueBits(want.series[0]!.values, 0));
    }
  });

  it('an empty request and a symbols-only request decode to nothing', () => {
    for (const body of [Buffer.alloc(0), encodeRawV2Request([''], []), encodeRawV2Request(['', 'x'], [])]) {
      const d = newDecoder().decode(body);
      assert.equal(d.series.length + d.sampleCount + d.metadata.length + d.histogramCount, 0);
    }
  });

  it('a 1.0 body is refused, never read as an empty 2.0 request (trap 9)', () => {
    const v1 = encodeWriteRequest(
      [{ labels: [{ name: '__name__', value: 'up' }], samples: [{ timestampMs: 1, value: 1 }] }],
      { metadata: [{ type: 1, metricFamilyName: 'up' }] },
    );
    rejects(() => newDecoder().decode(v1), 'v1_body_as_v2', /remote write 1\.0/);
    const metadataOnly = encodeWriteRequest([], { metadata: [{ type: 1, metricFamilyName: 'up' }] });
    rejects(() => newDecoder().decode(metadataOnly), 'v1_body_as_v2', /field 3/);
  });
});

describe('write v2 decoder: malformed symbol tables, refs and series → 400', () => {
  const S = ['', '__name__', 'up', 'job', 'a', 'b'];
  const one = (s: Partial<RawV2Series> & { labelsRefs: number[] }): RawV2Series => ({
    samples: [{ timestampMs: 1, value: 1 }],
    ...s,
  });
  const table: [string, Buffer, string, RegExp][] = [
    [
      'missing empty first symbol',
      encodeRawV2Request(['__name__', 'up'], [one({ labelsRefs: [0, 1] })]),
      'missing_empty_symbol',
      /first symbol must be the empty string.*__name__/,
    ],
    [
      'no symbols at all, but a series',
      encodeRawV2Request([], [one({ labelsRefs: [0, 0] })]),
      'missing_empty_symbol',
      /no symbols/,
    ],
    [
      'label value ref = len(symbols)',
      encodeRawV2Request(S, [one({ labelsRefs: [1, 2, 3, 6] })]),
      'invalid_symbol_ref',
      /__name__="up", job="<symbol 6 out of range>".*reference 6 is out of range \(6 symbols\)/,
    ],
    [
      'huge label name ref (2^32 - 1)',
      encodeRawV2Request(S, [one({ labelsRefs: [1, 2, 0xffffffff, 4] })]),
      'invalid_symbol_ref',
      /out of range/,
    ],
    [
      'ref beyond 32 bits (2^40)',
      encodeRawV2Request(S, [one({ labelsRefs: [2 ** 40, 2] })]),
      'invalid_symbol_ref',
      /out of range/,
    ],
    [
      'odd number of label refs',
      encodeRawV2Request(S, [one({ labelsRefs: [1, 2, 3] })]),
      'odd_label_refs',
      /__name__="up".*odd number of label refs \(3\)/,
    ],
    [
      'odd refs in an exemplar',
      encodeRawV2Request(S, [one({ labelsRefs: [1, 2], exemplars: [{ labelsRefs: [3], timestampMs: 1 }] })]),
      'odd_label_refs',
      /exemplar/,
    ],
    [
      'exemplar ref out of range',
      encodeRawV2Request(S, [
        one({ labelsRefs: [1, 2], exemplars: [{ labelsRefs: [3, 99], timestampMs: 1 }] }),
      ]),
      'invalid_symbol_ref',
      /exemplar.*99/,
    ],
    [
      'exemplar label not valid UTF-8',
      encodeRawV2Request(
        [...S, Buffer.from([0x66, 0xff, 0x6f])],
        [
          one({
            labelsRefs: [1, 2],
            samples: [{ timestampMs: 1, value: 1 }],
            exemplars: [{ labelsRefs: [3, 6], timestampMs: 1 }],
          }),
        ],
      ),
      'invalid_utf8',
      /exemplar.*not valid UTF-8/,
    ],
    [
      'metadata help_ref out of range',
      encodeRawV2Request(S, [one({ labelsRefs: [1, 2], metadata: { type: 1, helpRef: 1000 } })]),
      'invalid_symbol_ref',
      /metadata help reference 1000/,
    ],
    [
      'metadata unit_ref out of range',
      encodeRawV2Request(S, [one({ labelsRefs: [1, 2], metadata: { type: 1, unitRef: 6 } })]),
      'invalid_symbol_ref',
      /metadata unit reference 6/,
    ],
    ['no label refs', encodeRawV2Request(S, [one({ labelsRefs: [] })]), 'empty_label_set', /no labels/],
    [
      'only empty-valued labels',
      encodeRawV2Request(S, [one({ labelsRefs: [1, 0] })]),
      'empty_label_set',
      /only empty labels/,
    ],
    [
      'neither samples nor histograms',
      encodeRawV2Request(S, [{ labelsRefs: [1, 2] }]),
      'no_samples',
      /__name__="up".*neither samples nor histograms/,
    ],
    [
      'unsorted labels (same rule and reason as 1.0)',
      encodeRawV2Request(S, [one({ labelsRefs: [3, 4, 1, 2] })]),
      'unsorted_labels',
      /not sorted: job before __name__/,
    ],
    [
      'duplicate label name',
      encodeRawV2Request(S, [one({ labelsRefs: [3, 4, 3, 5] })]),
      'duplicate_label',
      /duplicate label name job/,
    ],
    [
      'empty label name',
      encodeRawV2Request(S, [one({ labelsRefs: [0, 4] })]),
      'empty_label_name',
      /empty label name/,
    ],
    [
      'invalid UTF-8 in a label value symbol',
      encodeRawV2Request(['', '__name__', Buffer.from([0x61, 0xff])], [one({ labelsRefs: [1, 2] })]),
      'invalid_utf8',
      /UTF-8/,
    ],
    [
      'timestamp beyond 2^53',
      encodeRawV2Request(S, [one({ labelsRefs: [1, 2], samples: [{ timestampMs: 2 ** 60, value: 1 }] })]),
      'invalid_timestamp',
      /outside ±2\^53 ms.*__name__="up"/,
    ],
  ];
  for (const [what, body, reason, message] of table) {
    it(`rejects: ${what}`, () => rejects(() => newDecoder().decode(body), reason, message));
  }

  it('applies the configured label limits with the 1.0 reasons', () => {
    const body = encodeRawV2Request(S, [one({ labelsRefs: [1, 2, 3, 4] })]);
    rejects(() => newDecoder({ maxLabelsPerSeries: 1 }).decode(body), 'too_many_labels', /more than 1/);
    rejects(() => newDecoder({ maxLabelNameBytes: 4 }).decode(body), 'label_too_long', /name longer/);
    rejects(() => newDecoder({ maxLabelValueBytes: 1 }).decode(body), 'label_too_long', /value of __name__/);
  });

  it('refs cannot blow a small body up: one huge symbol named by many label refs is refused, bounded', () => {
    const big = 'v'.repeat(100_000);
    const refs: number[] = [];
    for (let i = 0; i < 2000; i++) refs.push(1, 2); // 200 MB of labels if copied out
    const body = encodeRawV2Request(['', 'n', big], [one({ labelsRefs: refs })]);
    assert.ok(body.length < 120_000);
    rejects(() => newDecoder().decode(body), 'label_too_long', /in total/);
    rejects(() => newDecoder({ maxLabelsPerSeries: 128 }).decode(body), 'duplicate_label');
    rejects(() => newDecoder({ maxLabelValueBytes: 65_536 }).decode(body), 'label_too_long', /value of n/);
  });

  it('corrupted bodies fail only with RequestError(400), and later requests still decode', () => {
    const good = encodeWriteV2Request([
      {
        labels: [
          { name: '__name__', value: 'fuzz' },
          { name: 'job', value: 'j' },
        ],
        samples: [{ timestampMs: 1_700_000_000_000, value: 1.5 }],
        exemplars: [{ labels: [{ name: 'trace_id', value: 't' }], value: 1, timestampMs: 5 }],
        metadata: { type: 1, help: 'h', unit: 'u' },
        createdTimestampMs: 7,
      },
      { labels: [{ name: '__name__', value: 'hist' }], histograms: [histogramBody(9)] },
    ]);
    const decoder = newDecoder();
    let seed = 99;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const body = Buffer.from(good);
      for (let k = 1 + rand(3); k > 0; k--) body[rand(body.length)] = rand(256);
      const cut = rand(4) === 0 ? body.subarray(0, rand(body.length)) : body;
      try {
        decoder.decode(cut);
      } catch (err) {
        assert.ok(err instanceof RequestError && err.status === 400, `mutation ${i}: ${String(err)}`);
      }
    }
    assert.equal(decoder.decode(good).sampleCount, 1);
  });

  it('rejects known fields with the wrong wire type as corrupt protobuf', () => {
    // symbols (4) as a varint; labels_refs (1) as fixed64 inside a TimeSeries.
    rejects(() => newDecoder().decode(Buffer.from([0x20, 0x01])), 'corrupt_protobuf', /field 4/);
    const ts = Buffer.from([0x09, 1, 2, 3, 4, 5, 6, 7, 8]);
    const body = Buffer.concat([Buffer.from([0x22, 0x00, 0x2a, ts.length]), ts]);
    rejects(() => newDecoder().decode(body), 'corrupt_protobuf', /field 1 has wire type 1/);
  });

  it('a histogram message that is not valid protobuf is corrupt', () => {
    const body = encodeRawV2Request(S, [
      { labelsRefs: [1, 2], histograms: [Buffer.from([0x08])] }, // truncated varint
    ]);
    rejects(() => newDecoder().decode(body), 'corrupt_protobuf');
    const ok = encodeRawV2Request(S, [{ labelsRefs: [1, 2], histograms: [histogramBody(5)] }]);
    const d = newDecoder().decode(ok);
    assert.equal(d.histogramCount, 1);
    assert.equal(d.series.length, 0);
  });
});
