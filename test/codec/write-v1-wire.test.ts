// The write v1 decoder on wire-level edge cases: defaults, special values, int64 timestamps,
// field order and encodings, corrupt input, exemplars, histograms and metadata.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestError } from '../../src/errors.js';
import { valueBits } from '../../src/model.js';
import {
  bitsOf,
  encodeWriteRequest,
  ProtoWriter,
  writeLabel,
  writeSample,
  type TestLabel,
  type TestMetadata,
} from '../support/encode-write.js';
import {
  assertAgrees,
  entry,
  GO_NAN,
  NEG_ZERO,
  newDecoder,
  oracle,
  plainLabels,
  rawRequest,
  rejects,
  STALE,
} from './oracle.js';

describe('write v1 decoder: wire edge cases', () => {
  it('decodes an empty body and a body of unknown fields to an empty batch', () => {
    const d = newDecoder();
    assert.deepEqual(d.decode(Buffer.alloc(0)), {
      series: [],
      sampleCount: 0,
      metadata: [],
      histograms: [],
      histogramCount: 0,
      exemplars: [],
      exemplarCount: 0,
      sampleStartTimestamps: 0,
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
