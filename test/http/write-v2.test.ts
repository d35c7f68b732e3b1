// Remote write 2.0 through the real HTTP surface: content negotiation, the answer and its
// X-Prometheus-Remote-Write-*-Written headers (protocols.md §3.5) on success and on every kind
// of failure. Storage runs on the real embedded backend (PGlite); the partial failures use the
// MOCK adapter (test/mocks), the only way to make one of two backends reject or fail on demand.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RetryableError } from '../../src/errors.js';
import { snappyCompress, snappyDecompress } from '../../src/codec/snappy.js';
import type { RunningGateway } from '../../src/gateway.js';
import {
  EXEMPLARS_WRITTEN,
  HISTOGRAMS_WRITTEN,
  SAMPLES_WRITTEN,
  writtenCounts,
} from '../../src/http/write-v2-headers.js';
import type { AdapterKind } from '../../src/adapter.js';
import type { BackendResult } from '../../src/write/fan-out.js';
import { createMockAdapter, mockAdapterKind, mockBehaviour } from '../mocks/mock-adapter.js';
import { decodeReadResponse } from '../support/decode-read-response.js';
import { bitsOf, encodeReadRequest, encodeWriteRequest, ProtoWriter } from '../support/encode-write.js';
import { encodeRawV2Request, encodeWriteV2Request, histogramBody } from '../support/encode-write-v2.js';
import { metricValue, post, startTestGateway } from '../support/gateway.js';
import { makeWriteBatch } from '../../src/model.js';
import { decodeHistogramBytes, encodeHistogram } from '../../src/codec/histogram-proto.js';

/** A routed share with samples in it (the counts are what writtenCounts looks at). */
const SOME_SAMPLES = { ...makeWriteBatch({}), sampleCount: 10 };

const V2 = {
  'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
  'X-Prometheus-Remote-Write-Version': '2.0.0',
};
const STALE = 0x7ff0000000000002n;
const T0 = 1_795_000_000_000;

type Answer = Awaited<ReturnType<typeof post>>;

function written(res: Answer): [string | null, string | null, string | null] {
  return [
    res.headers.get(SAMPLES_WRITTEN),
    res.headers.get(HISTOGRAMS_WRITTEN),
    res.headers.get(EXEMPLARS_WRITTEN),
  ];
}

/** n series of one sample each, the way Prometheus sends them. */
function v2Body(n: number, name: string): Buffer {
  return snappyCompress(
    encodeWriteV2Request(
      Array.from({ length: n }, (_, i) => ({
        labels: [
          { name: '__name__', value: name },
          { name: 'i', value: String(i) },
        ],
        samples: [{ timestampMs: T0, value: i }],
      })),
    ),
  );
}

describe('remote write 2.0 on the embedded PostgreSQL backend', () => {
  let gw: RunningGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => {
    await gw.close();
  });

  async function readBack(name: string) {
    const res = await fetch(`${gw.url}/api/v1/read`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
      body: snappyCompress(
        encodeReadRequest([
          {
            startMs: T0 - 60_000,
            endMs: T0 + 60_000,
            matchers: [{ type: 0, name: '__name__', value: name }],
          },
        ]),
      ),
    });
    assert.equal(res.status, 200);
    return decodeReadResponse(snappyDecompress(Buffer.from(await res.arrayBuffer()), 64 << 20))[0]!;
  }

  it('stores samples, native histograms, exemplars and metadata: 204 with the written headers', async () => {
    const labels = [
      { name: '__name__', value: 'v2_requests_total' },
      { name: 'job', value: 'api' },
    ];
    const body = snappyCompress(
      encodeWriteV2Request([
        {
          labels,
          samples: [{ timestampMs: T0, value: 1, startTimestampMs: T0 - 1000 }],
          exemplars: [{ labels: [{ name: 'trace_id', value: 'abc' }], value: 1, timestampMs: T0 }],
          metadata: { type: 1, help: 'Requests.', unit: '' },
          createdTimestampMs: T0 - 1000,
        },
        { labels, samples: [{ timestampMs: T0 + 15_000, value: 2 }] },
        { labels, samples: [{ timestampMs: T0 + 30_000, bits: STALE }] },
        {
          labels: [{ name: '__name__', value: 'v2_latency_seconds' }],
          histograms: [histogramBody(T0)],
          metadata: { type: 3, help: 'Latency.', unit: 'seconds' },
        },
      ]),
    );
    const res = await post(`${gw.url}/api/v1/write`, body, V2);
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(written(res), ['3', '1', '1']);
    assert.equal(await metricValue(gw, 'promgate_received_samples_total', { protocol: '2.0' }), 3);
    assert.equal(await metricValue(gw, 'promgate_received_histograms_total', { protocol: '2.0' }), 1);
    assert.equal(await metricValue(gw, 'promgate_received_exemplars_total', { protocol: '2.0' }), 1);
    assert.equal(await metricValue(gw, 'promgate_received_metadata_total', { protocol: '2.0' }), 2);
    assert.equal(await metricValue(gw, 'promgate_metadata_dropped_total'), 0, 'PostgreSQL stores metadata');
    assert.equal(await metricValue(gw, 'promgate_samples_dropped_total'), 0, 'PostgreSQL stores all kinds');
    assert.equal(
      await metricValue(gw, 'promgate_sample_start_timestamps_ignored_total', { protocol: '2.0' }),
      1,
      'the one float sample sent with a start timestamp',
    );
    assert.equal(await metricValue(gw, 'promgate_histograms_written_total', { backend: 'pg' }), 1);
    assert.equal(await metricValue(gw, 'promgate_exemplars_written_total', { backend: 'pg' }), 1);

    const [series] = await readBack('v2_requests_total');
    assert.deepEqual(series!.labels, { __name__: 'v2_requests_total', job: 'api' });
    assert.deepEqual(
      series!.samples.map((s) => [s.t, s.bits]),
      [
        [T0, 0x3ff0000000000000n],
        [T0 + 15_000, 0x4000000000000000n],
        [T0 + 30_000, STALE],
      ],
    );
    // The histogram as stored, exactly as histogramBody encoded it (read through the adapter).
    const adapter = gw.backends[0]!.adapter;
    const query = {
      startMs: T0 - 1,
      endMs: T0 + 1,
      matchers: [{ type: 'EQ' as const, name: '__name__', value: 'v2_latency_seconds' }],
    };
    const histograms = [];
    for await (const s of adapter.read!(query, AbortSignal.timeout(10_000)))
      histograms.push(...(s.histograms ?? []));
    assert.equal(histograms.length, 1);
    // Compared in our canonical encoding (histogramBody writes proto3 defaults differently).
    assert.deepEqual(
      encodeHistogram(histograms[0]!),
      encodeHistogram(decodeHistogramBytes(histogramBody(T0))),
    );
  });

  it('a 2.0 body sent as 1.0 is a 400 naming the mix-up, never an empty success (trap 9)', async () => {
    const body = snappyCompress(
      encodeWriteV2Request([
        { labels: [{ name: '__name__', value: 'v2_as_v1' }], samples: [{ timestampMs: T0, value: 1 }] },
      ]),
    );
    const res = await post(`${gw.url}/api/v1/write`, body);
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /remote write 2\.0 request .* sent as 1\.0/);
  });

  it('a v1 request gets no written headers', async () => {
    const body = snappyCompress(
      encodeWriteRequest([
        { labels: [{ name: '__name__', value: 'v1_here' }], samples: [{ timestampMs: T0, value: 1 }] },
      ]),
    );
    const res = await post(`${gw.url}/api/v1/write`, body);
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(written(res), [null, null, null]);
  });

  const S = ['', '__name__', 'bad_v2', 'job', 'x'];
  const sample = [{ timestampMs: T0, value: 1 }];
  const refused: {
    name: string;
    body: Buffer;
    headers?: Record<string, string>;
    status: number;
    reason: string;
    message: RegExp;
  }[] = [
    {
      name: 'missing empty first symbol',
      body: encodeRawV2Request(['__name__', 'bad_v2'], [{ labelsRefs: [0, 1], samples: sample }]),
      status: 400,
      reason: 'missing_empty_symbol',
      message: /empty string/,
    },
    {
      name: 'huge label ref',
      body: encodeRawV2Request(S, [{ labelsRefs: [1, 2, 3, 0xfffffff], samples: sample }]),
      status: 400,
      reason: 'invalid_symbol_ref',
      message: /__name__="bad_v2".*out of range/,
    },
    {
      name: 'odd-length label refs',
      body: encodeRawV2Request(S, [{ labelsRefs: [1, 2, 3], samples: sample }]),
      status: 400,
      reason: 'odd_label_refs',
      message: /odd number/,
    },
    {
      // Trap 9: skipped as unknown fields, a 1.0 body would be an empty 2.0 request answered 204
      // while nothing is stored; a 1.0 sender ignores the headers, so that would be silent loss.
      name: 'a 1.0 body with the 2.0 Content-Type',
      body: encodeWriteRequest([{ labels: [{ name: '__name__', value: 'mislabelled' }], samples: sample }]),
      status: 400,
      reason: 'v1_body_as_v2',
      message: /1\.0 body was sent with the 2\.0 Content-Type/,
    },
    {
      name: 'unsupported Content-Encoding',
      body: encodeWriteV2Request([{ labels: [{ name: '__name__', value: 'x' }], samples: sample }]),
      headers: { 'Content-Encoding': 'gzip' },
      status: 415,
      reason: 'unsupported_encoding',
      message: /gzip/,
    },
  ];
  for (const c of refused) {
    it(`${c.name} → ${c.status} with the headers saying 0 written, counted`, async () => {
      const before = await metricValue(gw, 'promgate_http_requests_rejected_total', { reason: c.reason });
      const res = await post(`${gw.url}/api/v1/write`, snappyCompress(c.body), { ...V2, ...c.headers });
      assert.equal(res.status, c.status, res.text);
      assert.match(res.text, c.message);
      assert.deepEqual(written(res), ['0', '0', '0']);
      assert.equal(
        await metricValue(gw, 'promgate_http_requests_rejected_total', { reason: c.reason }),
        before + 1,
      );
    });
  }

  it('the 1.0 body refused above is stored when sent as 1.0', async () => {
    const body = encodeWriteRequest([
      { labels: [{ name: '__name__', value: 'mislabelled' }], samples: sample },
    ]);
    const res = await post(`${gw.url}/api/v1/write`, snappyCompress(body));
    assert.equal(res.status, 204, res.text);
    assert.equal((await readBack('mislabelled')).length, 1);
  });

  it('an empty 2.0 request (symbols only, no series) is 204 with zero headers', async () => {
    // Nothing was sent, so nothing was lost: Prometheus never sends it, and its header check
    // only fires for requests that carried data (protocols.md §3.5).
    const res = await post(`${gw.url}/api/v1/write`, snappyCompress(encodeRawV2Request([''], [])), V2);
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(written(res), ['0', '0', '0']);
  });

  it('an unknown proto= is 415 without written headers', async () => {
    const res = await post(`${gw.url}/api/v1/write`, v2Body(1, 'x'), {
      'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v3.Request',
    });
    assert.equal(res.status, 415);
    assert.match(res.text, /io\.prometheus\.write\.v3\.Request/);
    assert.deepEqual(written(res), [null, null, null]);
  });
});

describe('remote write 2.0 headers when one of two backends (MOCK) rejects or fails', () => {
  const a = mockBehaviour();
  const b = mockBehaviour();
  const kind: AdapterKind = {
    type: 'mock',
    options: {},
    create: (_options, context) => createMockAdapter(context.name === 'a' ? a : b),
  };
  let gw: RunningGateway;
  before(async () => {
    gw = await startTestGateway({
      web: { write_timeout: '600ms' },
      backends: ['a', 'b'].map((name) => ({ name, type: 'postgres', url: 'pglite://unused' })),
      kind,
    });
  });
  after(async () => {
    await gw.close();
  });

  it('both store everything: 204, samples written = all', async () => {
    const res = await post(`${gw.url}/api/v1/write`, v2Body(10, 'ok'), V2);
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(written(res), ['10', '0', '0']);
  });

  it('one backend rejects half for good: 400, samples written = the minimum over backends', async () => {
    b.mode = 'reject-half';
    try {
      const res = await post(`${gw.url}/api/v1/write`, v2Body(10, 'half'), V2);
      assert.equal(res.status, 400, res.text);
      assert.match(res.text, /b: 5 sample\(s\) rejected \(mock_reason\)/);
      assert.deepEqual(written(res), ['5', '0', '0']);
    } finally {
      b.mode = 'ok';
    }
  });

  it('one backend fails retryably: 503 + Retry-After, samples written = 0', async () => {
    b.mode = 'retryable';
    try {
      const res = await post(`${gw.url}/api/v1/write`, v2Body(4, 'down'), V2);
      assert.equal(res.status, 503, res.text);
      assert.equal(res.headers.get('retry-after'), '3');
      assert.deepEqual(written(res), ['0', '0', '0']);
    } finally {
      b.mode = 'ok';
    }
  });
});

describe('writtenCounts: the minimum over the routed backends', () => {
  const ok = (backend: string, n: number): BackendResult => ({
    backend,
    batch: SOME_SAMPLES,
    result: { kind: 'written', outcome: { written: n, rejected: [] } },
  });
  const cases: [string, BackendResult[], number][] = [
    ['no backend routed', [], 0],
    ['one backend', [ok('a', 7)], 7],
    ['the smaller of two', [ok('a', 7), ok('b', 3)], 3],
    [
      'a shed backend stored nothing',
      [ok('a', 7), { backend: 'b', batch: SOME_SAMPLES, result: { kind: 'shed', retryAfterMs: 1000 } }],
      0,
    ],
    [
      'a failed backend stored nothing',
      [
        ok('a', 7),
        {
          backend: 'b',
          batch: SOME_SAMPLES,
          result: { kind: 'failed', error: new RetryableError('X', 'x') },
        },
      ],
      0,
    ],
  ];
  for (const [name, results, samples] of cases) {
    it(name, () => assert.deepEqual(writtenCounts(results), { samples, histograms: 0, exemplars: 0 }));
  }
});

describe('remote write 2.0: histograms and exemplars go only to backends that store them (MOCK)', () => {
  const capable = { ...mockBehaviour(), histograms: true, exemplars: true };
  const plain = mockBehaviour();
  const kind: AdapterKind = {
    type: 'mock',
    options: {},
    create: (_options, context) => createMockAdapter(context.name === 'capable' ? capable : plain),
  };
  let gw: RunningGateway;
  before(async () => {
    gw = await startTestGateway({
      backends: ['capable', 'plain'].map((name) => ({ name, type: 'postgres', url: 'pglite://unused' })),
      kind,
    });
  });
  after(async () => {
    await gw.close();
  });

  it('the capable backend gets them, the other only the samples; headers count what was stored', async () => {
    const labels = [{ name: '__name__', value: 'mixed' }];
    const body = snappyCompress(
      encodeWriteV2Request([
        {
          labels,
          samples: [{ timestampMs: T0, value: 1 }],
          exemplars: [{ labels: [{ name: 'trace_id', value: 'x' }], value: 1, timestampMs: T0 }],
        },
        {
          labels: [{ name: '__name__', value: 'hist' }],
          histograms: [histogramBody(T0), histogramBody(T0 + 1)],
        },
      ]),
    );
    const res = await post(`${gw.url}/api/v1/write`, body, V2);
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(written(res), ['1', '2', '1']);
    const last = (b: typeof plain) => b.writes[b.writes.length - 1]!;
    assert.deepEqual(
      [last(capable).sampleCount, last(capable).histogramCount, last(capable).exemplarCount],
      [1, 2, 1],
    );
    assert.deepEqual(
      [last(plain).sampleCount, last(plain).histogramCount, last(plain).exemplarCount],
      [1, 0, 0],
    );
    assert.deepEqual(last(plain).histograms, []);
    const dropped = (backend: string, reason: string) =>
      metricValue(gw, 'promgate_samples_dropped_total', { backend, reason });
    assert.equal(await dropped('plain', 'unsupported_histogram'), 2);
    assert.equal(await dropped('plain', 'unsupported_exemplar'), 1);
    assert.equal(await dropped('capable', 'unsupported_histogram'), 0);
    assert.equal(await metricValue(gw, 'promgate_histograms_written_total', { backend: 'capable' }), 2);
    assert.equal(await metricValue(gw, 'promgate_exemplars_written_total', { backend: 'capable' }), 1);
  });

  it('a histogram-only request is not sent to the backend that cannot store it', async () => {
    const before = plain.calls;
    const body = snappyCompress(
      encodeWriteV2Request([
        { labels: [{ name: '__name__', value: 'h2' }], histograms: [histogramBody(T0)] },
      ]),
    );
    const res = await post(`${gw.url}/api/v1/write`, body, V2);
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(written(res), ['0', '1', '0']);
    assert.equal(plain.calls, before);
  });
});

describe('remote write 2.0: histograms and exemplars that no backend can store (MOCK)', () => {
  const plain = mockBehaviour();
  let gw: RunningGateway;
  before(async () => {
    gw = await startTestGateway({
      backends: [{ name: 'plain', type: 'postgres', url: 'pglite://unused' }],
      kind: mockAdapterKind(plain),
    });
  });
  after(async () => {
    await gw.close();
  });

  it('samples are stored, then a 400 says what was not, with the written headers', async () => {
    const body = snappyCompress(
      encodeWriteV2Request([
        {
          labels: [{ name: '__name__', value: 'some' }],
          samples: [{ timestampMs: T0, value: 1 }],
          exemplars: [{ labels: [{ name: 'trace_id', value: 'abc' }], value: 1, timestampMs: T0 }],
        },
        { labels: [{ name: '__name__', value: 'lat' }], histograms: [histogramBody(T0)] },
      ]),
    );
    const res = await post(`${gw.url}/api/v1/write`, body, V2);
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /1 native histogram sample\(s\) and 1 exemplar\(s\) not stored/);
    assert.deepEqual(written(res), ['1', '0', '0']);
    assert.equal(plain.writes[plain.writes.length - 1]!.sampleCount, 1);
    const dropped = (reason: string) =>
      metricValue(gw, 'promgate_samples_dropped_total', { backend: 'plain', reason });
    assert.equal(await dropped('unsupported_histogram'), 1);
    assert.equal(await dropped('unsupported_exemplar'), 1);
  });

  it('a histogram-only request is a 400 with zero headers, never a 2xx that a sender would drop silently', async () => {
    const calls = plain.calls;
    const body = snappyCompress(
      encodeWriteV2Request([
        { labels: [{ name: '__name__', value: 'v2_only_histograms' }], histograms: [histogramBody(T0)] },
      ]),
    );
    const res = await post(`${gw.url}/api/v1/write`, body, V2);
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /1 native histogram sample\(s\) not stored/);
    assert.deepEqual(written(res), ['0', '0', '0']);
    assert.equal(plain.calls, calls, 'nothing to send to the backend');
  });

  it('1.0 keeps 204 for them (its senders attach exemplars to every batch), and counts them', async () => {
    const w = new ProtoWriter();
    w.message(1, (ts) => {
      ts.message(1, (l) => l.string(1, '__name__').string(2, 'v1_with_histogram'));
      ts.message(2, (x) => x.key(1, 1).fixed64(bitsOf(1)).key(2, 0).varint(T0));
      ts.bytes(4, histogramBody(T0));
    });
    const before = await metricValue(gw, 'promgate_samples_dropped_total', {
      reason: 'unsupported_histogram',
    });
    const res = await post(`${gw.url}/api/v1/write`, snappyCompress(w.finish()));
    assert.equal(res.status, 204, res.text);
    assert.equal(
      await metricValue(gw, 'promgate_samples_dropped_total', { reason: 'unsupported_histogram' }),
      before + 1,
    );
  });
});
