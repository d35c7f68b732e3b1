// Shared helpers of the write v1 decoder tests (not a test file): the captured fixtures, the
// protobufjs oracle and the assertion that a decoded batch agrees with it, hand-built bodies.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promSchema } from '../../src/codec/proto-schema.js';
import { snappyDecompress } from '../../src/codec/snappy.js';
import { createWriteV1Decoder, type DecodedWrite, type WriteV1Decoder } from '../../src/codec/write-v1.js';
import { RequestError } from '../../src/errors.js';
import { numberBits, seriesKey, valueBits, type Label, type MetricMetadata } from '../../src/model.js';
import { ProtoWriter, type TestSample } from '../support/encode-write.js';

const FIXTURES =
  process.env['PROMGATE_FIXTURES'] ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
export const fixtureBody = (name: string): Buffer =>
  snappyDecompress(readFileSync(join(FIXTURES, `${name}.snappy.bin`)), 32 << 20);

export const STALE = 0x7ff0000000000002n;
export const GO_NAN = 0x7ff8000000000001n;
export const NEG_ZERO = 0x8000000000000000n;

export const newDecoder = (maxCachedSeries = 10_000): WriteV1Decoder =>
  createWriteV1Decoder({ maxCachedSeries });

// ---- the oracle --------------------------------------------------------------------------

interface ExpectedSeries {
  readonly labels: Label[];
  readonly timestamps: number[];
  /** Numbers from protobufjs: exact bits except NaN payloads, which only "is NaN" can say. */
  readonly values: number[];
}

export interface Expected {
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

/** protobufjs' toObject options of the oracles: numbers, defaults and empty arrays included. */
export const ORACLE_OBJECT_OPTIONS = { longs: Number, enums: Number, defaults: true, arrays: true };

/** protobufjs' reading of a body, grouped the way the decoder must group it. */
export function oracle(body: Buffer): Expected {
  const T = promSchema().WriteRequest;
  const o = T.toObject(T.decode(body), ORACLE_OBJECT_OPTIONS) as OracleRequest;
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

export function plainLabels(labels: readonly Label[]): Label[] {
  return labels.map((l) => ({ name: l.name, value: l.value }));
}

export function assertAgrees(
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

export function rejects(fn: () => unknown, reason: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RequestError, `expected RequestError, got ${String(err)}`);
    assert.equal(err.status, 400);
    assert.equal(err.reason, reason, err.message);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

export const entry = (labels: Record<string, string>, samples: TestSample[]) => ({
  labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
  samples,
});

/** One TimeSeries built field by field, for layouts encodeWriteRequest does not produce. */
export function rawRequest(...entries: ((w: ProtoWriter) => void)[]): Buffer {
  const w = new ProtoWriter();
  for (const build of entries) w.message(1, build);
  return w.finish();
}
