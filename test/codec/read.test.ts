// Remote read: request decoding (fixtures, matchers, hints, errors) and the hand-written SAMPLES
// response, checked with protobufjs, including value bits read back through its Reader.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { promSchema } from '../../src/codec/proto-schema.js';
import { decodeReadRequest } from '../../src/codec/read-request.js';
import { encodeReadResponse } from '../../src/codec/read-response.js';
import { snappyCompress, snappyDecompress } from '../../src/codec/snappy.js';
import { createWriteV1Decoder } from '../../src/codec/write-v1.js';
import { RequestError } from '../../src/errors.js';
import { makeSeriesRef, numberBits, setValueBits, type Label, type SeriesSamples } from '../../src/model.js';
import { bitsOf, encodeReadRequest, encodeWriteRequest, ProtoWriter } from '../support/encode-write.js';

const FIXTURES =
  process.env['PROMGATE_FIXTURES'] ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const fixtureBody = (name: string): Buffer =>
  snappyDecompress(readFileSync(join(FIXTURES, `${name}.snappy.bin`)), 32 << 20);

const STALE = 0x7ff0000000000002n;
const GO_NAN = 0x7ff8000000000001n;
const NEG_ZERO = 0x8000000000000000n;

function rejects(fn: () => unknown, reason: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RequestError, `expected RequestError, got ${String(err)}`);
    assert.equal(err.status, 400);
    assert.equal(err.reason, reason);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

describe('read request', () => {
  it('decodes the captured instant query', () => {
    const r = decodeReadRequest(fixtureBody('prom242-read-instant-query'));
    assert.deepEqual(r.acceptedResponseTypes, []);
    assert.equal(r.queries.length, 1);
    const q = r.queries[0]!;
    assert.equal(q.endMs - q.startMs, 5 * 60 * 1000);
    assert.deepEqual(q.matchers, [
      { type: 'EQ', name: '__name__', value: 'remote_only_metric' },
      { type: 'EQ', name: 'lab', value: 'capture' },
    ]);
    assert.deepEqual(q.hints, {
      stepMs: 0,
      func: '',
      startMs: q.startMs,
      endMs: q.endMs,
      grouping: [],
      by: false,
      rangeMs: 0,
    });
  });

  it('decodes the captured rate() range query hints', () => {
    const q = decodeReadRequest(fixtureBody('prom242-read-range-rate-hints')).queries[0]!;
    assert.equal(q.hints?.func, 'rate');
    assert.equal(q.hints?.stepMs, 60000);
    assert.equal(q.hints?.rangeMs, 60000);
    assert.equal(q.matchers.length, 2);
  });

  it('decodes the captured sum by regex query', () => {
    const q = decodeReadRequest(fixtureBody('prom242-read-sum-by-regex-matcher')).queries[0]!;
    assert.deepEqual(q.matchers, [
      { type: 'RE', name: 'job', value: 'syn.*' },
      { type: 'EQ', name: '__name__', value: 'up' },
      { type: 'EQ', name: 'lab', value: 'capture' },
    ]);
    assert.equal(q.hints?.func, 'sum');
    assert.deepEqual(q.hints?.grouping, ['job']);
    assert.equal(q.hints?.by, true);
  });

  it('decodes every query, all matcher types, packed and unpacked response types', () => {
    const queries = [
      {
        startMs: 1000,
        endMs: 2000,
        matchers: [
          { type: 0, name: '__name__', value: 'up' },
          { type: 1, name: 'job', value: '' },
          { type: 2, name: 'i', value: 'a|b' },
          { type: 3, name: 'z', value: '.+' },
        ],
      },
      { startMs: -5, endMs: 0, matchers: [], hints: { func: 'series', grouping: ['a', 'b'], by: false } },
    ];
    for (const packed of [true, false]) {
      const r = decodeReadRequest(encodeReadRequest(queries, [1, 0], { packed }));
      assert.deepEqual(r.acceptedResponseTypes, [1, 0]);
      assert.deepEqual(r.queries[0], {
        startMs: 1000,
        endMs: 2000,
        matchers: [
          { type: 'EQ', name: '__name__', value: 'up' },
          { type: 'NEQ', name: 'job', value: '' },
          { type: 'RE', name: 'i', value: 'a|b' },
          { type: 'NRE', name: 'z', value: '.+' },
        ],
      });
      assert.equal(r.queries[0]!.hints, undefined, 'absent hints stay absent');
      assert.equal(r.queries[1]!.startMs, -5);
      assert.deepEqual(r.queries[1]!.hints?.grouping, ['a', 'b']);
    }
    assert.deepEqual(decodeReadRequest(Buffer.alloc(0)), { queries: [], acceptedResponseTypes: [] });
  });

  it('rejects corrupt protobuf, unknown matcher types and unsafe timestamps', () => {
    const good = encodeReadRequest([
      { startMs: 1, endMs: 2, matchers: [{ type: 2, name: 'a', value: 'b' }] },
    ]);
    rejects(() => decodeReadRequest(good.subarray(0, good.length - 2)), 'corrupt_protobuf');
    rejects(() => decodeReadRequest(Buffer.from([0x0a, 0x05, 0x08])), 'corrupt_protobuf');
    rejects(() => decodeReadRequest(Buffer.from([0x0f, 0x00])), 'corrupt_protobuf');
    const badType = encodeReadRequest([
      { startMs: 1, endMs: 2, matchers: [{ type: 7, name: 'a', value: 'b' }] },
    ]);
    rejects(() => decodeReadRequest(badType), 'invalid_matcher', /unknown matcher type 7/);
    const huge = new ProtoWriter().message(1, (q) => q.key(2, 0).varint(2n ** 60n)).finish();
    rejects(() => decodeReadRequest(huge), 'invalid_timestamp', /end_timestamp_ms/);
  });
});

// ---- SAMPLES response --------------------------------------------------------------------

function series(labels: Label[], samples: [number, bigint][]): SeriesSamples {
  const values = new Float64Array(samples.length);
  samples.forEach(([, bits], i) => setValueBits(values, i, bits));
  return {
    series: makeSeriesRef(labels),
    timestamps: Float64Array.from(samples.map(([t]) => t)),
    values,
  };
}

interface DecodedResponse {
  results: { timeseries: { labels: Label[]; samples: { value: number; timestamp: number }[] }[] }[];
}

function decodeResponse(body: Buffer): DecodedResponse {
  const T = promSchema().ReadResponse;
  return T.toObject(T.decode(body), { longs: Number, defaults: true, arrays: true }) as DecodedResponse;
}

/** Value bits of every sample, located with protobufjs' Reader (never through a JS number). */
function valueBitsByReader(body: Buffer): bigint[][][] {
  const bits: bigint[][][] = [];
  const r = protobuf.Reader.create(body);
  const each = (end: number, field: number, fn: (end: number) => void): void => {
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === field && (tag & 7) === 2) {
        const len = r.uint32();
        const inner = r.pos + len;
        fn(inner);
        r.pos = inner;
      } else r.skipType(tag & 7);
    }
  };
  each(body.length, 1, (resultEnd) => {
    const result: bigint[][] = [];
    bits.push(result);
    each(resultEnd, 1, (seriesEnd) => {
      const values: bigint[] = [];
      result.push(values);
      each(seriesEnd, 2, (sampleEnd) => {
        let v = 0n;
        while (r.pos < sampleEnd) {
          const tag = r.uint32();
          if (tag === 0x09) {
            v = body.readBigUInt64LE(r.pos);
            r.skip(8);
          } else r.skipType(tag & 7);
        }
        values.push(v);
      });
    });
  });
  return bits;
}

describe('read response (SAMPLES)', () => {
  it('writes one result per query in order, empty ones included', () => {
    const a = series(
      [
        { name: '__name__', value: 'up' },
        { name: 'job', value: 'x' },
      ],
      [
        [1000, bitsOf(1)],
        [2000, bitsOf(0.5)],
      ],
    );
    const body = encodeReadResponse([[], [a], []]);
    const decoded = decodeResponse(body);
    assert.equal(decoded.results.length, 3);
    assert.equal(decoded.results[0]!.timeseries.length, 0);
    assert.equal(decoded.results[2]!.timeseries.length, 0);
    const ts = decoded.results[1]!.timeseries[0]!;
    assert.deepEqual(
      ts.labels.map((l) => ({ name: l.name, value: l.value })),
      [
        { name: '__name__', value: 'up' },
        { name: 'job', value: 'x' },
      ],
    );
    assert.deepEqual(
      ts.samples.map((s) => [s.timestamp, s.value]),
      [
        [1000, 1],
        [2000, 0.5],
      ],
    );
    assert.equal(encodeReadResponse([]).length, 0);
    assert.deepEqual(decodeResponse(encodeReadResponse([[]])).results.length, 1);
  });

  it('sorts labels by UTF-8 bytes and leaves out empty values', () => {
    const unsorted = {
      series: {
        labels: [
          { name: 'b', value: '2' },
          { name: 'a\u{1F600}', value: 'x' },
          { name: 'empty', value: '' },
          { name: 'a\uE000', value: 'y' },
        ],
        key: 'k',
        metricName: '',
      },
      timestamps: new Float64Array([1]),
      values: new Float64Array([1]),
    };
    const ts = decodeResponse(encodeReadResponse([[unsorted]])).results[0]!.timeseries[0]!;
    assert.deepEqual(
      ts.labels.map((l) => l.name),
      ['a\uE000', 'a\u{1F600}', 'b'],
    );
  });

  it('writes timestamps of every size, negative ones included, and omits proto3 defaults', () => {
    const stamps = [0, 1, -1, 127, 128, 2 ** 31, -(2 ** 31), 1795548633582, 2 ** 53 - 1, -(2 ** 53 - 1)];
    const s = series(
      [{ name: 'a', value: 'b' }],
      stamps.map((t) => [t, t === 0 ? 0n : bitsOf(t)]),
    );
    const ts = decodeResponse(encodeReadResponse([[s]])).results[0]!.timeseries[0]!;
    assert.deepEqual(
      ts.samples.map((x) => x.timestamp),
      stamps,
    );
    assert.deepEqual(
      ts.samples.map((x) => x.value),
      stamps.map((t) => t),
    );
    // Sample {} for (0, +0): just the field key and a zero length.
    const zero = encodeReadResponse([[series([{ name: 'a', value: 'b' }], [[0, 0n]])]]);
    assert.ok(zero.subarray(zero.length - 2).equals(Buffer.from([0x12, 0x00])));
  });

  it('keeps NaN, stale marker, ±Inf and -0 bits from write body to read response', () => {
    const patterns = [STALE, GO_NAN, 0x7ff8000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, NEG_ZERO];
    const other = [bitsOf(42), 0n, 1n, 0x7ff4000000000abcn];
    const write = encodeWriteRequest([
      ...patterns.map((bits, i) => ({
        labels: [
          { name: '__name__', value: 'special' },
          { name: 'job', value: 't' },
        ],
        samples: [{ timestampMs: 1795548633582 + i * 15000, bits }],
      })),
      ...other.map((bits, i) => ({
        labels: [{ name: '__name__', value: 'other' }],
        samples: [{ timestampMs: i + 1, bits }],
      })),
    ]);
    const batch = createWriteV1Decoder({ maxCachedSeries: 100 }).decode(write);
    // Through snappy as well, as the read handler sends it.
    const body = snappyDecompress(
      snappyCompress(encodeReadResponse([batch.series, [batch.series[1]!]])),
      1 << 20,
    );
    assert.deepEqual(valueBitsByReader(body), [[patterns, other], [other]]);
    const decoded = decodeResponse(body);
    const values = decoded.results[0]!.timeseries[0]!.samples.map((s) => s.value);
    assert.ok(Number.isNaN(values[0]!) && Number.isNaN(values[1]!));
    assert.equal(values[3], Infinity);
    assert.equal(values[4], -Infinity);
    assert.equal(numberBits(values[5]!), NEG_ZERO);
  });

  it('agrees with protobufjs on the self-scrape fixture read back', () => {
    const batch = createWriteV1Decoder({ maxCachedSeries: 1000 }).decode(
      fixtureBody('prom242-write-selfscrape-500series'),
    );
    const decoded = decodeResponse(encodeReadResponse([batch.series]));
    const got = decoded.results[0]!.timeseries;
    assert.equal(got.length, 500);
    got.forEach((ts, i) => {
      const s = batch.series[i]!;
      assert.deepEqual(
        ts.labels.map((l) => ({ name: l.name, value: l.value })),
        s.series.labels.map((l) => ({ name: l.name, value: l.value })),
      );
      assert.equal(ts.samples[0]!.timestamp, s.timestamps[0]);
      if (!Number.isNaN(s.values[0]!)) assert.equal(ts.samples[0]!.value, s.values[0]);
    });
  });

  it('refuses timestamps a JS number cannot hold exactly', () => {
    const bad = series([{ name: 'a', value: 'b' }], [[1.5, 0n]]);
    assert.throws(() => encodeReadResponse([[bad]]), /not an integer/);
  });
});
