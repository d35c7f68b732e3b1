// The hand-written remote-write decoder against protobufjs (the oracle) and against the truth
// the bodies were generated from: fixtures, edge cases, label rules, the series cache, fuzz.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promSchema } from '../../src/codec/proto-schema.js';
import { snappyDecompress } from '../../src/codec/snappy.js';
import { createWriteV1Decoder, type DecodedWrite, type WriteV1Decoder } from '../../src/codec/write-v1.js';
import { RequestError } from '../../src/errors.js';
import { numberBits, seriesKey, valueBits, type Label, type MetricMetadata } from '../../src/model.js';
import {
  bitsOf,
  encodeWriteRequest,
  ProtoWriter,
  writeLabel,
  writeSample,
  type TestLabel,
  type TestMetadata,
  type TestSample,
} from '../support/encode-write.js';

const FIXTURES =
  process.env['PROMGATE_FIXTURES'] ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const fixtureBody = (name: string): Buffer =>
  snappyDecompress(readFileSync(join(FIXTURES, `${name}.snappy.bin`)), 32 << 20);

const STALE = 0x7ff0000000000002n;
const GO_NAN = 0x7ff8000000000001n;
const NEG_ZERO = 0x8000000000000000n;

const newDecoder = (maxCachedSeries = 10_000): WriteV1Decoder => createWriteV1Decoder({ maxCachedSeries });

// ---- the oracle --------------------------------------------------------------------------

interface ExpectedSeries {
  readonly labels: Label[];
  readonly timestamps: number[];
  /** Numbers from protobufjs: exact bits except NaN payloads, which only "is NaN" can say. */
  readonly values: number[];
}

interface Expected {
  readonly series: ExpectedSeries[];
  readonly sampleCount: number;
  readonly metadata: MetricMetadata[];
  readonly histogramCount: number;
  readonly exemplarCount: number;
}

interface OracleRequest {
  timeseries: {
    labels: { name: string; value: string }[];
    samples: { value: number; timestamp: number }[];
    exemplars: unknown[];
    histograms: unknown[];
  }[];
  metadata: { type: number; metricFamilyName: string; help: string; unit: string }[];
}

/** protobufjs' reading of a body, grouped the way the decoder must group it. */
function oracle(body: Buffer): Expected {
  const T = promSchema().WriteRequest;
  const o = T.toObject(T.decode(body), {
    longs: Number,
    enums: Number,
    defaults: true,
    arrays: true,
  }) as OracleRequest;
  const byKey = new Map<string, ExpectedSeries>();
  const series: ExpectedSeries[] = [];
  let sampleCount = 0;
  let histogramCount = 0;
  let exemplarCount = 0;
  for (const ts of o.timeseries) {
    histogramCount += ts.histograms.length;
    exemplarCount += ts.exemplars.length;
    if (ts.samples.length === 0) continue;
    const labels = ts.labels.filter((l) => l.value !== '').map((l) => ({ name: l.name, value: l.value }));
    const key = seriesKey(labels);
    let s = byKey.get(key);
    if (s === undefined) {
      s = { labels, timestamps: [], values: [] };
      byKey.set(key, s);
      series.push(s);
    }
    for (const sample of ts.samples) {
      s.timestamps.push(sample.timestamp);
      s.values.push(sample.value);
      sampleCount++;
    }
  }
  const metadata = o.metadata.map((m) => ({
    type: m.type,
    metricFamilyName: m.metricFamilyName,
    help: m.help,
    unit: m.unit,
  }));
  return { series, sampleCount, metadata, histogramCount, exemplarCount };
}

function plainLabels(labels: readonly Label[]): Label[] {
  return labels.map((l) => ({ name: l.name, value: l.value }));
}

function assertAgrees(
  actual: DecodedWrite,
  expected: Expected,
  options: { metadataText?: boolean } = {},
): void {
  assert.equal(actual.sampleCount, expected.sampleCount, 'sampleCount');
  assert.equal(actual.histogramCount, expected.histogramCount, 'histogramCount');
  assert.equal(actual.exemplarCount, expected.exemplarCount, 'exemplarCount');
  assert.equal(actual.series.length, expected.series.length, 'series count');
  for (let i = 0; i < expected.series.length; i++) {
    const a = actual.series[i]!;
    const e = expected.series[i]!;
    assert.deepEqual(plainLabels(a.series.labels), e.labels, `labels of series ${i}`);
    assert.equal(a.series.key, seriesKey(e.labels));
    assert.deepEqual(Array.from(a.timestamps), e.timestamps, `timestamps of ${a.series.key}`);
    assert.equal(a.values.length, e.values.length);
    for (let j = 0; j < e.values.length; j++) {
      const v = e.values[j]!;
      if (Number.isNaN(v)) assert.ok(Number.isNaN(a.values[j]!), `${a.series.key}[${j}] should be NaN`);
      else assert.equal(valueBits(a.values, j), numberBits(v), `bits of ${a.series.key}[${j}]`);
    }
  }
  assert.equal(actual.metadata.length, expected.metadata.length, 'metadata count');
  if (options.metadataText !== false) assert.deepEqual(actual.metadata, expected.metadata);
  else {
    // Invalid UTF-8 is replaced differently by Node and protobufjs; compare the rest.
    for (let i = 0; i < expected.metadata.length; i++) {
      assert.equal(actual.metadata[i]!.type, expected.metadata[i]!.type);
    }
  }
}

function rejects(fn: () => unknown, reason: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RequestError, `expected RequestError, got ${String(err)}`);
    assert.equal(err.status, 400);
    assert.equal(err.reason, reason, err.message);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

const entry = (labels: Record<string, string>, samples: TestSample[]) => ({
  labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
  samples,
});

/** One TimeSeries built field by field, for layouts encodeWriteRequest does not produce. */
function rawRequest(...entries: ((w: ProtoWriter) => void)[]): Buffer {
  const w = new ProtoWriter();
  for (const build of entries) w.message(1, build);
  return w.finish();
}

// ---- fixtures ----------------------------------------------------------------------------

describe('write v1 decoder: captured fixtures', () => {
  it('decodes the Prometheus 2.42 self-scrape batch to the README counts', () => {
    const body = fixtureBody('prom242-write-selfscrape-500series');
    assert.equal(body.length, 78435);
    const batch = newDecoder().decode(body);
    assert.equal(batch.series.length, 500);
    assert.equal(batch.sampleCount, 500);
    assert.equal(new Set(batch.series.map((s) => s.series.metricName)).size, 236);
    let nan = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const s of batch.series) {
      assert.equal(s.timestamps.length, 1);
      if (Number.isNaN(s.values[0]!)) {
        nan++;
        assert.equal(valueBits(s.values, 0), GO_NAN, 'Prometheus NaN keeps its payload');
      }
      min = Math.min(min, s.timestamps[0]!);
      max = Math.max(max, s.timestamps[0]!);
      assert.ok(s.series.labels.some((l) => l.name === 'lab' && l.value === 'capture'));
    }
    assert.equal(nan, 26);
    assert.equal(min, 1795548633582);
    assert.equal(max, 1795548635650);
    assertAgrees(batch, oracle(body));
  });

  it('decodes the metadata-only batch', () => {
    const body = fixtureBody('prom242-write-metadata-only');
    const batch = newDecoder().decode(body);
    assert.equal(batch.series.length, 0);
    assert.equal(batch.sampleCount, 0);
    assert.equal(batch.metadata.length, 209);
    assert.ok(batch.metadata.every((m) => m.unit === '' && m.metricFamilyName !== ''));
    assert.ok(batch.metadata.some((m) => m.help !== '' && m.type > 0));
    assertAgrees(batch, oracle(body));
  });

  it('decodes the vmagent batch, whose labels put GOARCH before __name__', () => {
    const body = fixtureBody('vmagent-1.79.5-write-526series');
    const batch = newDecoder().decode(body);
    assert.equal(batch.sampleCount, 526);
    assert.ok(batch.series.some((s) => s.series.labels[0]!.name < '__name__'));
    assertAgrees(batch, oracle(body));
  });

  it('returns the same SeriesRef objects when the same body is decoded again', () => {
    const body = fixtureBody('prom242-write-selfscrape-500series');
    const d = newDecoder();
    const first = d.decode(body);
    const second = d.decode(body);
    assert.equal(d.cachedSeries(), 500);
    for (let i = 0; i < first.series.length; i++)
      assert.equal(second.series[i]!.series, first.series[i]!.series);
    assertAgrees(second, oracle(body));
  });
});

// ---- edge cases --------------------------------------------------------------------------

describe('write v1 decoder: wire edge cases', () => {
  it('decodes an empty body and a body of unknown fields to an empty batch', () => {
    const d = newDecoder();
    assert.deepEqual(d.decode(Buffer.alloc(0)), {
      series: [],
      sampleCount: 0,
      metadata: [],
      histogramCount: 0,
      exemplarCount: 0,
    });
    const w = new ProtoWriter().key(2, 2).varint(3).raw(Buffer.from('src')).key(20, 0).varint(5).key(21, 5);
    w.raw(Buffer.alloc(4)).key(22, 1).raw(Buffer.alloc(8));
    w.key(23, 3).key(1, 0).varint(1).key(23, 4); // a (deprecated) group
    assert.equal(d.decode(w.finish()).series.length, 0);
  });

  it('defaults absent value and timestamp to 0', () => {
    const body = rawRequest((ts) => {
      writeLabel(ts, 1, { name: '__name__', value: 'm' });
      ts.bytes(2, Buffer.alloc(0));
    });
    const [s] = newDecoder().decode(body).series;
    assert.equal(s!.timestamps[0], 0);
    assert.equal(valueBits(s!.values, 0), 0n);
  });

  it('keeps the exact bits of special values', () => {
    const patterns = [STALE, GO_NAN, 0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000000n];
    const all = [
      ...patterns,
      0xfff0000000000000n,
      NEG_ZERO,
      1n,
      0x7fefffffffffffffn,
      bitsOf(0.1),
      0x7ff4000000000abcn,
    ];
    const body = encodeWriteRequest(
      all.map((bits, i) => entry({ __name__: 'v' }, [{ timestampMs: i + 1, bits }])),
    );
    const [s] = newDecoder().decode(body).series;
    assert.equal(s!.values.length, all.length);
    all.forEach((bits, i) => assert.equal(valueBits(s!.values, i), bits, `value ${i}`));
  });

  it('decodes int64 timestamps, including the 10-byte negative form, within ±2^53', () => {
    const stamps = [
      1,
      -1,
      1795548633582,
      -1795548633582,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 31,
      -(2 ** 31),
      2 ** 32,
    ];
    const body = encodeWriteRequest(stamps.map((t) => entry({ a: 'b' }, [{ timestampMs: t, value: 1 }])));
    const [s] = newDecoder().decode(body).series;
    assert.deepEqual(Array.from(s!.timestamps), stamps);
  });

  it('rejects timestamps outside ±2^53 with invalid_timestamp', () => {
    for (const t of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n), 2n ** 62n]) {
      const body = rawRequest((ts) => {
        writeLabel(ts, 1, { name: 'a', value: 'b' });
        ts.message(2, (s) => s.key(2, 0).varint(t));
      });
      rejects(() => newDecoder().decode(body), 'invalid_timestamp', /a="b"/);
    }
  });

  it('accepts fields in any order, split label fields, swapped Label fields and unknown fields', () => {
    const labels: TestLabel[] = [
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'x' },
      { name: 'zone', value: 'eu' },
    ];
    const body = rawRequest(
      (ts) => {
        writeSample(ts, 2, { timestampMs: 5, value: 1 });
        ts.key(9, 0).varint(300); // unknown
        for (const l of labels) writeLabel(ts, 1, l);
      },
      (ts) => {
        writeLabel(ts, 1, labels[0]!);
        writeSample(ts, 2, { timestampMs: 6, value: 2 });
        writeLabel(ts, 1, labels[1]!);
        ts.message(1, (l) => l.string(2, 'eu').key(3, 5).raw(Buffer.alloc(4)).string(1, 'zone'));
      },
      (ts) => {
        for (const l of labels) writeLabel(ts, 1, l);
        // Value written twice (last wins) and an unknown fixed64 inside Sample.
        ts.message(2, (s) =>
          s.key(1, 1).fixed64(bitsOf(9)).key(7, 1).fixed64(0n).key(1, 1).fixed64(bitsOf(3)),
        );
        ts.message(2, (s) => s.key(2, 0).varint(7));
      },
    );
    const d = newDecoder();
    const batch = d.decode(body);
    assert.equal(batch.series.length, 1);
    assert.deepEqual(Array.from(batch.series[0]!.timestamps), [5, 6, 0, 7]);
    assert.deepEqual(Array.from(batch.series[0]!.values), [1, 2, 3, 0]);
    assert.equal(d.cachedSeries(), 1, 'three encodings, one label set');
    assertAgrees(batch, oracle(body));
  });

  it('accepts non-minimal varints for keys and lengths', () => {
    const label = new ProtoWriter().string(1, 'a').string(2, 'b').finish();
    const sample = new ProtoWriter().key(1, 1).fixed64(bitsOf(1.5)).key(2, 0).varint(10).finish();
    const ts = new ProtoWriter()
      .raw(Buffer.from([0x8a, 0x00])) // key 1/2 in two bytes
      .raw(Buffer.from([0x80 | label.length, 0x00])) // length in two bytes
      .raw(label)
      .bytes(2, sample)
      .finish();
    const body = new ProtoWriter().bytes(1, ts).finish();
    const batch = newDecoder().decode(body);
    assert.deepEqual(plainLabels(batch.series[0]!.series.labels), [{ name: 'a', value: 'b' }]);
    assertAgrees(batch, oracle(body));
  });

  it('rejects truncated and malformed protobuf with corrupt_protobuf and the byte offset', () => {
    const good = encodeWriteRequest([
      entry({ __name__: 'm', a: 'b' }, [{ timestampMs: 1795548633582, value: 2 }]),
    ]);
    const d = newDecoder();
    for (let cut = 1; cut < good.length; cut++) {
      rejects(() => d.decode(good.subarray(0, cut)), 'corrupt_protobuf', /at byte \d+/);
    }
    const malformed: [string, Buffer][] = [
      ['wrong wire type for timeseries', Buffer.from([0x08, 0x01])],
      ['wrong wire type for labels', rawRequest((ts) => ts.key(1, 0).varint(1))],
      ['wrong wire type for sample value', rawRequest((ts) => ts.message(2, (s) => s.key(1, 0).varint(1)))],
      ['wrong wire type for label name', rawRequest((ts) => ts.message(1, (l) => l.key(1, 0).varint(1)))],
      ['field number 0', Buffer.from([0x00, 0x00])],
      ['field number 0 inside TimeSeries', rawRequest((ts) => ts.raw(Buffer.from([0x02, 0x00])))],
      ['wire type 6', Buffer.from([0x0e])],
      ['wire type 7 inside Sample', rawRequest((ts) => ts.message(2, (s) => s.raw(Buffer.from([0x0f]))))],
      ['stray end group', Buffer.from([0x7c])],
      ['unterminated group', Buffer.from([0x7b, 0x08, 0x01])],
      ['11-byte varint', Buffer.from([0x10, ...Array<number>(10).fill(0xff), 0x01])],
      ['length past the end', Buffer.from([0x0a, 0x05, 0x00])],
      ['nested length past its parent', Buffer.from([0x0a, 0x02, 0x0a, 0x05, 0x0a, 0x00, 0x00, 0x00, 0x00])],
    ];
    for (const [what, body] of malformed) {
      assert.throws(
        () => d.decode(body),
        (err: unknown) =>
          err instanceof RequestError && err.reason === 'corrupt_protobuf' && /at byte/.test(err.message),
        what,
      );
    }
  });

  it('counts (and skips) exemplars and native histograms', () => {
    const body = rawRequest(
      (ts) => {
        writeLabel(ts, 1, { name: '__name__', value: 'h' });
        ts.message(4, (h) => {
          h.key(1, 0).varint(5).key(3, 1).fixed64(bitsOf(1.5)).key(4, 0).varint(6);
          h.message(11, (span) => span.key(1, 0).varint(0).key(2, 0).varint(2));
          h.bytes(12, Buffer.from([0x02, 0x01]));
          h.key(15, 0).varint(1000);
        });
        ts.message(4, (h) => h.key(2, 1).fixed64(bitsOf(2)));
      },
      (ts) => {
        writeLabel(ts, 1, { name: '__name__', value: 'c' });
        writeSample(ts, 2, { timestampMs: 1000, value: 4 });
        ts.message(3, (e) => {
          writeLabel(e, 1, { name: 'trace_id', value: 'abc' });
          e.key(2, 1).fixed64(bitsOf(4)).key(3, 0).varint(999);
        });
      },
    );
    const batch = newDecoder().decode(body);
    assert.equal(batch.histogramCount, 2);
    assert.equal(batch.exemplarCount, 1);
    assert.equal(batch.sampleCount, 1);
    assert.equal(batch.series.length, 1, 'a series with only histograms is not a SeriesSamples yet');
    assertAgrees(batch, oracle(body));
  });

  it('decodes metadata, keeping unknown and negative type values as sent', () => {
    const metadata: TestMetadata[] = [
      { type: 1, metricFamilyName: 'http_requests', help: 'Requests.', unit: '' },
      { type: 5, metricFamilyName: 'rpc_duration_seconds', help: 'Latency ⏱.', unit: 'seconds' },
      { type: 0, metricFamilyName: 'x' },
      { type: 42, metricFamilyName: 'future' },
    ];
    const w = new ProtoWriter().raw(encodeWriteRequest([], { metadata }));
    w.message(3, (m) => m.key(1, 0).varint(-2n).key(3, 2).varint(0).string(2, 'neg')); // field 3 is unused
    const body = w.finish();
    const batch = newDecoder().decode(body);
    assert.deepEqual(batch.metadata, [
      { type: 1, metricFamilyName: 'http_requests', help: 'Requests.', unit: '' },
      { type: 5, metricFamilyName: 'rpc_duration_seconds', help: 'Latency ⏱.', unit: 'seconds' },
      { type: 0, metricFamilyName: 'x', help: '', unit: '' },
      { type: 42, metricFamilyName: 'future', help: '', unit: '' },
      { type: -2, metricFamilyName: 'neg', help: '', unit: '' },
    ]);
    assertAgrees(batch, oracle(body));
  });
});

// ---- grouping and label rules ------------------------------------------------------------

describe('write v1 decoder: grouping', () => {
  it('groups entries by label set in order of first appearance, samples in arrival order', () => {
    const a = { __name__: 'a' };
    const b = { __name__: 'b' };
    const body = encodeWriteRequest([
      entry(a, [{ timestampMs: 3, value: 1 }]),
      entry(b, [{ timestampMs: 1, bits: STALE }]),
      entry(a, [
        { timestampMs: 1, value: 2 },
        { timestampMs: 2, bits: GO_NAN },
      ]),
      entry(b, [{ timestampMs: 2, value: 4 }]),
    ]);
    const batch = newDecoder().decode(body);
    assert.deepEqual(
      batch.series.map((s) => [s.series.metricName, Array.from(s.timestamps)]),
      [
        ['a', [3, 1, 2]],
        ['b', [1, 2]],
      ],
    );
    assert.equal(valueBits(batch.series[0]!.values, 2), GO_NAN);
    assert.equal(valueBits(batch.series[1]!.values, 0), STALE);
    assertAgrees(batch, oracle(body));
  });

  it('gives one SeriesRef to every encoding of one label set, also across requests', () => {
    const d = newDecoder();
    const withEmpty = rawRequest((ts) => {
      writeLabel(ts, 1, { name: 'a', value: '1' });
      ts.message(1, (l) => l.string(1, 'b').bytes(2, Buffer.alloc(0))); // explicit empty value
      writeSample(ts, 2, { timestampMs: 1, value: 1 });
    });
    const plain = encodeWriteRequest([entry({ a: '1' }, [{ timestampMs: 2, value: 2 }])]);
    const first = d.decode(Buffer.concat([withEmpty, plain]));
    assert.equal(first.series.length, 1);
    assert.deepEqual(Array.from(first.series[0]!.timestamps), [1, 2]);
    assert.equal(d.decode(plain).series[0]!.series, first.series[0]!.series);
    assert.equal(d.decode(withEmpty).series[0]!.series, first.series[0]!.series);
    assert.equal(d.cachedSeries(), 1);
  });

  it('does not take a series for its predicted successor when more label fields follow', () => {
    const d = newDecoder();
    const x = entry({ __name__: 'x' }, [{ timestampMs: 1, value: 1 }]);
    d.decode(encodeWriteRequest([x, entry({ a: '1' }, [{ timestampMs: 1, value: 1 }])]));
    // Same order next time, but the successor now starts with the old successor's label bytes.
    const body = encodeWriteRequest([x, entry({ a: '1', b: '2' }, [{ timestampMs: 2, value: 2 }])]);
    const batch = d.decode(body);
    assert.deepEqual(plainLabels(batch.series[1]!.series.labels), [
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
    assertAgrees(batch, oracle(body));
  });

  it('keeps one owner per label set across generation rotations', () => {
    // Generation size 1: every request rotates, promotions move entries between maps.
    const d = newDecoder(2);
    const plain = encodeWriteRequest([entry({ a: '1' }, [{ timestampMs: 1, value: 1 }])]);
    const alias = rawRequest((ts) => {
      ts.message(1, (l) => l.string(2, '1').string(1, 'a')); // same label, fields swapped
      writeSample(ts, 2, { timestampMs: 2, value: 2 });
    });
    d.decode(plain);
    d.decode(plain);
    for (let i = 0; i < 4; i++) {
      const body = Buffer.concat([alias, plain]);
      const batch = d.decode(body);
      assertAgrees(batch, oracle(body));
      assert.ok(d.cachedSeries() >= 1);
    }
  });

  it('keeps the SeriesRef of series in use across rotations and evicts series no longer sent', () => {
    const d = newDecoder(4); // two entries per generation
    const a = entry({ __name__: 'a' }, [{ timestampMs: 1, value: 1 }]);
    const b = entry({ __name__: 'b' }, [{ timestampMs: 1, value: 1 }]);
    const fresh = (i: number) => entry({ __name__: 'new', i: String(i) }, [{ timestampMs: 1, value: 1 }]);
    const refOf = (batch: DecodedWrite, name: string) =>
      batch.series.find((s) => s.series.metricName === name)!.series;
    const first = d.decode(encodeWriteRequest([a, b, fresh(0)]));
    for (let i = 1; i < 10; i++) {
      const batch = d.decode(encodeWriteRequest([a, b, fresh(i)]));
      assert.equal(refOf(batch, 'a'), refOf(first, 'a'), `request ${i}`);
      assert.equal(refOf(batch, 'b'), refOf(first, 'b'), `request ${i}`);
    }
    // b stops being sent: after a few rotations it is gone, and comes back as a new series.
    for (let i = 10; i < 16; i++) d.decode(encodeWriteRequest([a, fresh(i)]));
    assert.ok(d.cachedSeries() <= 4 + 2 * 2);
    const back = d.decode(encodeWriteRequest([a, b]));
    assert.equal(refOf(back, 'a'), refOf(first, 'a'));
    assert.notEqual(refOf(back, 'b'), refOf(first, 'b'));
  });

  it('stays bounded and correct with a tiny cache', () => {
    const d = newDecoder(10);
    const previous = new Map<string, object>();
    for (let r = 0; r < 40; r++) {
      const entries = [];
      for (let i = 0; i < 8; i++) {
        const id = (r * 3 + i) % 25; // overlapping sets from request to request
        entries.push(entry({ __name__: 'm', id: String(id) }, [{ timestampMs: r, value: i }]));
        if (i % 3 === 0)
          entries.push(entry({ __name__: 'm', id: String(id) }, [{ timestampMs: r + 1, value: i }]));
      }
      const body = encodeWriteRequest(entries);
      const batch = d.decode(body);
      assertAgrees(batch, oracle(body));
      assert.ok(d.cachedSeries() <= 10 + 2 * 8, `cache holds ${d.cachedSeries()}`);
      for (const s of batch.series) previous.set(s.series.key, s.series);
    }
    // Series used in the last request are still cached: decoding it again reuses their refs.
    const last = encodeWriteRequest([
      entry({ __name__: 'm', id: String((39 * 3) % 25) }, [{ timestampMs: 1 }]),
    ]);
    const again = d.decode(last).series[0]!;
    assert.equal(again.series, previous.get(again.series.key));
  });

  it('rejects an entry whose label set is empty', () => {
    rejects(
      () => newDecoder().decode(encodeWriteRequest([entry({}, [{ timestampMs: 1 }])])),
      'empty_label_set',
    );
    const onlyEmpty = rawRequest((ts) => {
      ts.message(1, (l) => l.string(1, 'a').bytes(2, Buffer.alloc(0)));
      writeSample(ts, 2, { timestampMs: 1, value: 1 });
    });
    rejects(() => newDecoder().decode(onlyEmpty), 'empty_label_set');
    // Without data it is ignored.
    assert.equal(newDecoder().decode(encodeWriteRequest([entry({}, [])])).series.length, 0);
  });
});

describe('write v1 decoder: label validation', () => {
  const one = (labels: (w: ProtoWriter) => void) =>
    rawRequest((ts) => {
      labels(ts);
      writeSample(ts, 2, { timestampMs: 1, value: 1 });
    });
  const named = (...pairs: [string, string][]) =>
    one((ts) => pairs.forEach(([name, value]) => writeLabel(ts, 1, { name, value })));
  const rawLabel = (name: Uint8Array, value: Uint8Array) => (ts: ProtoWriter) =>
    ts.message(1, (l) => l.bytes(1, name).bytes(2, value));

  const table: [string, Buffer, string, RegExp][] = [
    ['unsorted', named(['job', 'x'], ['__name__', 'up']), 'unsorted_labels', /job="x".*not sorted/],
    [
      'unsorted by UTF-8 bytes',
      named(['a\u{1F600}', '1'], ['a\uE000', '2']),
      'unsorted_labels',
      /not sorted/,
    ],
    ['duplicate', named(['a', '1'], ['a', '2']), 'duplicate_label', /duplicate label name a/],
    ['duplicate where one value is empty', named(['a', ''], ['a', '2']), 'duplicate_label', /duplicate/],
    ['unsorted where one value is empty', named(['b', ''], ['a', '2']), 'unsorted_labels', /not sorted/],
    ['empty name', named(['', 'v']), 'empty_label_name', /empty label name/],
    [
      'invalid UTF-8 name',
      one(rawLabel(Buffer.from([0x61, 0xff]), Buffer.from('v'))),
      'invalid_utf8',
      /UTF-8/,
    ],
    [
      'invalid UTF-8 value',
      one(rawLabel(Buffer.from('a'), Buffer.from([0xc3, 0x28]))),
      'invalid_utf8',
      /UTF-8/,
    ],
    [
      'lone surrogate (CESU)',
      one(rawLabel(Buffer.from('a'), Buffer.from([0xed, 0xa0, 0x80]))),
      'invalid_utf8',
      /a=/,
    ],
  ];
  for (const [what, body, reason, message] of table) {
    it(`rejects: ${what}`, () => rejects(() => newDecoder().decode(body), reason, message));
  }

  it('accepts labels sorted by UTF-8 bytes where UTF-16 order disagrees', () => {
    const body = named(['a\uE000', '1'], ['a\u{1F600}', '2'], ['é', '😀']);
    const batch = newDecoder().decode(body);
    assert.deepEqual(
      batch.series[0]!.series.labels.map((l) => l.name),
      ['a\uE000', 'a\u{1F600}', 'é'],
    );
    assertAgrees(batch, oracle(body));
  });

  it('removes labels with an empty value', () => {
    const batch = newDecoder().decode(named(['__name__', 'up'], ['env', ''], ['job', 'x']));
    assert.deepEqual(plainLabels(batch.series[0]!.series.labels), [
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'x' },
    ]);
    assert.equal(batch.series[0]!.series.metricName, 'up');
  });

  it('enforces the label count and length limits', () => {
    const d = createWriteV1Decoder({
      maxCachedSeries: 10,
      maxLabelsPerSeries: 2,
      maxLabelNameBytes: 4,
      maxLabelValueBytes: 5,
    });
    assert.equal(d.decode(named(['a', '12345'], ['bbbb', 'x'])).series.length, 1);
    rejects(
      () => d.decode(named(['a', '1'], ['b', '2'], ['c', '3'])),
      'too_many_labels',
      /more than 2 labels/,
    );
    rejects(() => d.decode(named(['abcde', '1'])), 'label_too_long', /name longer than 4 bytes/);
    rejects(() => d.decode(named(['a', '123456'])), 'label_too_long', /value of a longer than 5 bytes/);
    assert.throws(() => createWriteV1Decoder({ maxCachedSeries: 0 }), /maxCachedSeries/);
  });
});

// ---- seeded random bodies and fuzz -------------------------------------------------------

function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const NAMES = [
  '__name__',
  'job',
  'instance',
  'a',
  'Z',
  '_x',
  'le',
  'é',
  'a\uE000',
  'a\u{1F600}',
  '日本',
  'k8s.io/app',
];
const VALUES = ['', 'x', 'prometheus', '0.5', '+Inf', 'é', '😀', 'line\nbreak', 'quote"\\', 'v'.repeat(120)];
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function randomLabelSet(rand: () => number): TestLabel[] {
  const names = NAMES.filter(() => rand() < 0.4);
  if (names.length === 0) names.push('__name__');
  return names
    .sort(utf8Order)
    .map((name) => ({
      name,
      value: VALUES[Math.floor(rand() * VALUES.length)]! || (rand() < 0.5 ? '' : 'y'),
    }))
    .map((l, i) => (i === 0 && l.value === '' ? { ...l, value: 'first' } : l));
}

const SPECIAL_BITS = [
  STALE,
  GO_NAN,
  NEG_ZERO,
  0n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x7ff8000000000000n,
];

function randomSample(rand: () => number): TestSample {
  const r = rand();
  const bits =
    r < 0.3
      ? SPECIAL_BITS[Math.floor(rand() * SPECIAL_BITS.length)]!
      : r < 0.6
        ? (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32))
        : bitsOf(Math.round(rand() * 1e6) / 100);
  const t = rand();
  const timestampMs =
    t < 0.1
      ? 0
      : t < 0.2
        ? -Math.floor(rand() * 2 ** 53)
        : t < 0.3
          ? 2 ** 53 - 1
          : 1795548633582 + Math.floor(rand() * 1e6);
  return { timestampMs, bits };
}

interface RandomBody {
  readonly body: Buffer;
  /** Per entry: label set and samples as generated (with exact bits). */
  readonly entries: { labels: TestLabel[]; samples: TestSample[] }[];
}

/** A valid WriteRequest with the layouts senders may legally produce. */
function randomBody(rand: () => number, pool: TestLabel[][]): RandomBody {
  const w = new ProtoWriter();
  const entries: RandomBody['entries'] = [];
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) {
    const labels = pool[Math.floor(rand() * pool.length)]!;
    const samples = Array.from({ length: Math.floor(rand() * 3) }, () => randomSample(rand));
    entries.push({ labels, samples });
    const layout = rand();
    w.message(1, (ts) => {
      const writeLabels = (from: number, to: number) => {
        for (const l of labels.slice(from, to)) {
          if (rand() < 0.1) ts.message(1, (m) => m.string(2, l.value).string(1, l.name).key(5, 0).varint(1));
          else if (l.value === '' && rand() < 0.5)
            ts.message(1, (m) => m.string(1, l.name).bytes(2, Buffer.alloc(0)));
          else writeLabel(ts, 1, l);
        }
      };
      const writeSamples = () => {
        for (const s of samples) {
          if (rand() < 0.1)
            ts.message(2, (m) =>
              m.key(1, 1).fixed64(123n).key(2, 0).varint(BigInt(s.timestampMs)).key(1, 1).fixed64(s.bits!),
            );
          else writeSample(ts, 2, s);
        }
      };
      if (rand() < 0.15) ts.key(6, 0).varint(BigInt(Math.floor(rand() * 2 ** 40)));
      if (layout < 0.6) {
        writeLabels(0, labels.length);
        writeSamples();
      } else if (layout < 0.8) {
        writeSamples();
        writeLabels(0, labels.length);
      } else {
        const cut = Math.floor(rand() * labels.length);
        writeLabels(0, cut);
        writeSamples();
        writeLabels(cut, labels.length);
      }
      if (rand() < 0.2) ts.message(3, (e) => e.key(2, 1).fixed64(bitsOf(1)).key(3, 0).varint(5));
      if (rand() < 0.1)
        ts.message(4, (h) =>
          h
            .key(1, 0)
            .varint(3)
            .bytes(9, Buffer.from([0x02])),
        );
    });
    if (rand() < 0.1) w.key(2, 2).varint(1).raw(Buffer.from('x'));
    if (rand() < 0.05) w.key(30, 3).key(1, 2).varint(0).key(30, 4);
  }
  if (rand() < 0.3) {
    w.message(3, (m) => m.key(1, 0).varint(2).string(2, 'family').string(4, 'help ⏱').string(5, 'unit'));
  }
  return { body: w.finish(), entries };
}

/** Exact bits per series as generated, grouped like the decoder must group. */
function expectedBits(entries: RandomBody['entries']): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  for (const e of entries) {
    if (e.samples.length === 0) continue;
    const key = seriesKey(e.labels.filter((l) => l.value !== ''));
    const list = out.get(key) ?? [];
    for (const s of e.samples) list.push(s.bits!);
    out.set(key, list);
  }
  return out;
}

describe('write v1 decoder: seeded random bodies', () => {
  it('agrees with protobufjs and keeps every value bit on 400 random valid bodies', () => {
    const rand = rng(20261124);
    const pool = Array.from({ length: 40 }, () => randomLabelSet(rand));
    const d = newDecoder(16); // small: rotation happens often
    for (let i = 0; i < 400; i++) {
      const { body, entries } = randomBody(rand, pool);
      const batch = d.decode(body);
      assertAgrees(batch, oracle(body));
      const bits = expectedBits(entries);
      for (const s of batch.series) {
        const want = bits.get(s.series.key)!;
        assert.deepEqual(
          Array.from({ length: s.values.length }, (_, j) => valueBits(s.values, j)),
          want,
          `bits of ${s.series.key} in body ${i}`,
        );
      }
    }
  });

  it('gives RequestError (never another exception) on truncated, bit-flipped and random bodies', () => {
    const rand = rng(4242);
    const pool = Array.from({ length: 20 }, () => randomLabelSet(rand));
    const d = newDecoder(8);
    const fixtures = [
      fixtureBody('prom242-write-selfscrape-500series'),
      fixtureBody('vmagent-1.79.5-write-526series'),
    ];
    const reference = fixtures[1]!;
    let rejected = 0;
    let compared = 0;
    for (let i = 0; i < 600; i++) {
      const base = i % 10 === 0 ? fixtures[i % 20 === 0 ? 0 : 1]! : randomBody(rand, pool).body;
      let body: Buffer;
      const kind = i % 4;
      if (kind === 0) body = base.subarray(0, Math.floor(rand() * base.length));
      else if (kind === 1 || kind === 2) {
        body = Buffer.from(base);
        const flips = 1 + Math.floor(rand() * 3);
        for (let f = 0; f < flips && body.length > 0; f++)
          body[Math.floor(rand() * body.length)]! ^= 1 << Math.floor(rand() * 8);
      } else {
        body = Buffer.alloc(Math.floor(rand() * 64));
        for (let j = 0; j < body.length; j++) body[j] = Math.floor(rand() * 256);
      }
      let actual: DecodedWrite | undefined;
      try {
        actual = d.decode(body);
      } catch (err) {
        assert.ok(err instanceof RequestError, `body ${i}: ${String(err)}`);
        assert.equal(err.status, 400);
        rejected++;
      }
      if (actual !== undefined) {
        let expected: Expected | undefined;
        try {
          expected = oracle(body);
        } catch {
          // protobufjs rejects some bodies we accept (e.g. unknown group without end); fine.
        }
        if (expected !== undefined) {
          assertAgrees(actual, expected, { metadataText: false });
          compared++;
        }
      }
      // The cache survives failed requests: a known body still decodes right.
      if (i % 50 === 0) assertAgrees(d.decode(reference), oracle(reference));
    }
    assert.ok(rejected > 100 && compared > 50, `rejected ${rejected}, compared ${compared}`);
  });
});
