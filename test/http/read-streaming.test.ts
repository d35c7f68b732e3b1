// Remote read over HTTP with two MOCK read backends (test/read/mock-read-backend.ts: in-memory
// adapters in the real Backend wrapper, one declaring sortedRead, one not): STREAMED_XOR_CHUNKS
// answers merged series by series with frames under web.read_max_bytes_in_frame, the frame and
// returned-data metrics, web.read_sample_limit for SAMPLES only, histograms in SAMPLES answers,
// histograms as histogram chunks in streamed answers, a broken sortedRead promise.

import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { after, before, test } from 'node:test';
import { snappyCompress, snappyDecompress } from '../../src/codec/snappy.js';
import { STREAMED_CONTENT_TYPE } from '../../src/http/stream-chunks.js';
import type { RunningGateway } from '../../src/gateway.js';
import type { SeriesSamples } from '../../src/model.js';
import {
  floatHistogram,
  intHistogram,
  mockReadBehaviour,
  mockReadKind,
  series,
  STALE,
} from '../read/mock-read-backend.js';
import { decodeReadResponse } from '../support/decode-read-response.js';
import { encodeReadRequest, type TestMatcher } from '../support/encode-write.js';
import { metricValue, startTestGateway } from '../support/gateway.js';
import { decodeHistogramChunk, histogramKey } from '../support/histogram-chunk-decode.js';
import { decodeFrames, decodeStreamedSeries, decodeXorChunk } from '../support/xor-decode.js';

const FRAME_CAP = 8 * 1024;
const T0 = 1_700_000_000_000;

/** Incompressible values: about 1 KiB per XOR chunk, so a series spans several frames. */
function noisy(name: string, n: number, from = 0): SeriesSamples {
  const samples: Array<[number, bigint]> = [];
  for (let i = from; i < from + n; i++) {
    samples.push([T0 + i * 1000, BigInt.asUintN(64, BigInt(i + name.length) * 0x9e3779b97f4a7c15n)]);
  }
  return series({ __name__: name }, samples);
}

const sortedSeries = [noisy('big_0', 3000), noisy('big_1', 3000), noisy('shared', 10)];
const sorted = mockReadBehaviour(sortedSeries, { sortedRead: true });
const unsorted = mockReadBehaviour([
  noisy('shared', 10, 5), // overlaps 5..9 with the sorted backend, adds 10..14
  noisy('a_first', 5),
  series({ __name__: 'hist' }, [[T0, STALE]], [intHistogram(T0 + 1), floatHistogram(T0 + 2)]),
]);

let gw: RunningGateway;

before(async () => {
  gw = await startTestGateway({
    web: { read_max_bytes_in_frame: '8KiB', read_sample_limit: 5000 },
    backends: [
      { name: 'sorted', type: 'postgres', url: 'pglite://unused', read: true },
      { name: 'unsorted', type: 'postgres', url: 'pglite://unused', read: true },
    ],
    kind: mockReadKind({ sorted, unsorted }),
  });
});
after(async () => {
  await gw.close();
});

const range = { startMs: T0, endMs: T0 + 3_600_000 };
const notHist: TestMatcher[] = [{ type: 1, name: '__name__', value: 'hist' }];

async function read(matchers: TestMatcher[], types: number[]): Promise<Response> {
  return fetch(`${gw.url}/api/v1/read`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    body: snappyCompress(encodeReadRequest([{ ...range, matchers }], types)),
  });
}

async function frameMetric(): Promise<{ count: number; sum: number }> {
  const data = await gw.registry.getSingleMetric('promgate_read_frame_bytes')!.get();
  const pick = (suffix: string): number =>
    data.values.find(
      (v) => (v as { metricName?: string }).metricName === `promgate_read_frame_bytes_${suffix}`,
    )?.value ?? 0;
  return { count: pick('count'), sum: pick('sum') };
}

test('streamed: merged series in label-set order, each frame under the configured cap, metrics counted', async () => {
  const before = await frameMetric();
  const seriesBefore = await metricValue(gw, 'promgate_read_series_returned_total');
  const samplesBefore = await metricValue(gw, 'promgate_read_samples_returned_total');
  const res = await read(notHist, [1, 0]);
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), STREAMED_CONTENT_TYPE);
  const body = Buffer.from(await res.arrayBuffer());
  const frames = decodeFrames(body);
  assert.ok(frames.length > 4, `${frames.length} frames`);
  // Frame sizes: walk the body (uvarint length, 4 bytes CRC, data).
  let pos = 0;
  let n = 0;
  while (pos < body.length) {
    let len = 0;
    for (let shift = 0; ; shift += 7) {
      const b = body[pos++]!;
      len += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    assert.ok(len <= FRAME_CAP + 16, `frame ${n} holds ${len} bytes, cap ${FRAME_CAP}`);
    pos += 4 + len;
    n++;
  }
  assert.equal(n, frames.length);
  const streamed = decodeStreamedSeries(body);
  assert.deepEqual(
    streamed.map((s) => [Object.fromEntries(s.labels).__name__, s.samples.length]),
    [
      ['a_first', 5],
      ['big_0', 3000],
      ['big_1', 3000],
      ['shared', 15],
    ],
  );
  const want = noisy('big_1', 3000);
  assert.ok(streamed[2]!.samples.every((x, i) => x.t === want.timestamps[i]));
  const after = await frameMetric();
  assert.equal(after.count - before.count, frames.length);
  assert.equal(after.sum - before.sum, body.length);
  assert.equal((await metricValue(gw, 'promgate_read_series_returned_total')) - seriesBefore, 4);
  assert.equal((await metricValue(gw, 'promgate_read_samples_returned_total')) - samplesBefore, 6020);
});

test('web.read_sample_limit: a whole SAMPLES answer; in a streamed one, what a backend without sortedRead hands over', async () => {
  const samples = await read(notHist, [0]);
  assert.equal(samples.status, 400);
  assert.match(await samples.text(), /more than 5000 samples.*web\.read_sample_limit/);
  // 6,000 samples in all, but from the sorted backend: streamed series by series, no limit.
  const streamed = await read(notHist, [1, 0]);
  assert.equal(streamed.status, 200);
  assert.equal(decodeStreamedSeries(Buffer.from(await streamed.arrayBuffer())).length, 4);
  // The unsorted backend's result must be collected before it streams: bounded by the limit.
  const was = unsorted.series;
  unsorted.series = [noisy('u_0', 3000), noisy('u_1', 3000)];
  try {
    const tooMuch = await read(notHist, [1, 0]);
    assert.equal(tooMuch.status, 400);
    assert.match(await tooMuch.text(), /more than 5000 samples.*web\.read_sample_limit/);
  } finally {
    unsorted.series = was;
  }
});

test('SAMPLES: histograms come back with their series, counted in the metrics', async () => {
  const before = await metricValue(gw, 'promgate_read_histograms_returned_total');
  const res = await read([{ type: 0, name: '__name__', value: 'hist' }], [0]);
  assert.equal(res.status, 200, await res.clone().text());
  const [result] = decodeReadResponse(snappyDecompress(Buffer.from(await res.arrayBuffer()), 1 << 24));
  assert.equal(result!.length, 1);
  assert.deepEqual(result![0]!.samples, [{ t: T0, bits: STALE }]);
  assert.deepEqual(
    result![0]!.histograms.map((h) => [h.t, h.countInt ?? h.countFloatBits, h.sumBits]),
    [
      [T0 + 1, 10n, 0x4059000000000000n],
      [T0 + 2, 0x4024000000000000n, STALE],
    ],
  );
  assert.equal((await metricValue(gw, 'promgate_read_histograms_returned_total')) - before, 2);
});

test('streamed: histograms come back as histogram chunks, bit for bit, beside the XOR chunk', async () => {
  const res = await read([{ type: 0, name: '__name__', value: 'hist' }], [1, 0]);
  assert.equal(res.status, 200, await res.clone().text());
  const frames = decodeFrames(Buffer.from(await res.arrayBuffer()));
  const chunks = frames.flatMap((f) => f.series.flatMap((s) => s.chunks));
  assert.deepEqual(
    chunks.map((c) => c.type),
    [1, 2, 3],
    'XOR (the stale sample), HISTOGRAM (int), FLOAT_HISTOGRAM (float, gauge)',
  );
  assert.deepEqual(decodeXorChunk(chunks[0]!.data), [{ t: T0, bits: STALE }]);
  const got = chunks
    .slice(1)
    .flatMap((c) => decodeHistogramChunk(c.data, c.type).histograms.map(histogramKey));
  // The float one is a stale marker: in a chunk, as in Prometheus' own, a stale histogram is its
  // timestamp and stale sum only (its buckets mean nothing and are not encoded).
  const staleFloat = {
    ...floatHistogram(T0 + 2),
    schema: 0,
    positiveSpans: [],
    customValues: new Float64Array(0),
    countBits: 0n,
    positiveCounts: new Float64Array(0),
  };
  assert.deepEqual(got, [histogramKey(intHistogram(T0 + 1)), histogramKey(staleFloat)]);
});

test('a backend breaking its sortedRead promise fails the read, naming the backend', async () => {
  sorted.series = [noisy('zz', 1), noisy('aa', 1)];
  try {
    const res = await read(notHist, [0]);
    assert.equal(res.status, 500);
    assert.match(
      await res.text(),
      /backend sorted declares sortedRead.*\["__name__","aa"\] after \["__name__","zz"\]/,
    );
  } finally {
    sorted.series = sortedSeries;
  }
});

test('streamed: a client that leaves mid-stream stops the backend read', async () => {
  const many = Array.from({ length: 300 }, (_v, i) => noisy(`many_${String(i).padStart(3, '0')}`, 100));
  const was = unsorted.series;
  sorted.series = many;
  sorted.delayMs = 5;
  unsorted.series = [];
  Object.assign(sorted, { yielded: 0, aborted: false, finished: false });
  try {
    const req = httpRequest(`${gw.url}/api/v1/read`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
      req.end(snappyCompress(encodeReadRequest([{ ...range, matchers: [] }], [1, 0])));
    });
    assert.equal(res.statusCode, 200);
    await new Promise((r) => res.once('data', r));
    res.destroy();
    for (let i = 0; i < 100 && !sorted.finished; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(sorted.aborted, 'the backend read was aborted when the client left');
    assert.ok(sorted.finished, 'and its iteration closed');
    assert.ok(sorted.yielded < 300, `${sorted.yielded} series read`);
  } finally {
    sorted.series = sortedSeries;
    delete sorted.delayMs;
    unsorted.series = was;
  }
});

test('streamed: a bad regex in a later query is still a 400, before the first frame', async () => {
  const res = await fetch(`${gw.url}/api/v1/read`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    body: snappyCompress(
      encodeReadRequest(
        [
          { ...range, matchers: notHist },
          { ...range, matchers: [{ type: 2, name: 'job', value: '(' }] },
        ],
        [1, 0],
      ),
    ),
  });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /invalid regular expression/);
});

test('streamed: several queries are answered in order, each frame tagged with its query index', async () => {
  const res = await fetch(`${gw.url}/api/v1/read`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    body: snappyCompress(
      encodeReadRequest(
        [
          { ...range, matchers: [{ type: 0, name: '__name__', value: 'shared' }] },
          { ...range, matchers: [{ type: 0, name: '__name__', value: 'a_first' }] },
        ],
        [1, 0],
      ),
    ),
  });
  assert.equal(res.status, 200);
  const frames = decodeFrames(Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(
    frames.map((f) => [f.queryIndex, Object.fromEntries(f.series[0]!.labels).__name__]),
    [
      [0, 'shared'],
      [1, 'a_first'],
    ],
  );
});
