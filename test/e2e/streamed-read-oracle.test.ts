// Prometheus as the oracle for STREAMED_XOR_CHUNKS (issue #6): the real Prometheus 2.42 with its
// remote-write receiver and promgate (PGlite) get the same samples over remote write 1.0 and the
// same streamed read request; both answers are decoded with the independent decoder of
// test/support/xor-decode.ts and must hold the same series with bit-identical samples, and
// byte-identical chunks wherever both cut a chunk at the same samples. Also the negotiation and
// error rules of the read handler, on the gateway alone.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { snappyCompress } from '../../src/codec/snappy.js';
import type { RunningGateway } from '../../src/gateway.js';
import { STALE_NAN_BITS } from '../../src/model.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import { bits, GO_NAN, NEG_INF, NEG_ZERO, POS_INF, rng } from '../support/bits.js';
import {
  encodeReadRequest,
  encodeWriteRequest,
  type TestQuery,
  type TestSample,
  type TestSeries,
} from '../support/encode-write.js';
import { post, startTestGateway } from '../support/gateway.js';
import { decodeStreamedSeries, decodeXorChunk, type StreamedSeries } from '../support/xor-decode.js';

const STREAMED = 'application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse';
// A 2 h chunk-range boundary (a multiple of 7,200,000 ms): every sample lies in [T0, T0 + 2 h),
// so Prometheus cuts no chunk at a range boundary and its head is never compactable.
const T0 = 1_795_550_400_000;
const T_END = T0 + 7_200_000 - 1;

function dataset(): TestSeries[] {
  const next = rng(42);
  const out: TestSeries[] = [];
  // Regular 15 s samples from the range start: Prometheus 2.42 cuts these at exactly 120.
  const regular: TestSample[] = [];
  for (let i = 0; i < 400; i++) {
    const special = [STALE_NAN_BITS, GO_NAN, POS_INF, NEG_INF, NEG_ZERO];
    const b = i % 37 === 5 ? special[Math.floor(i / 37) % special.length]! : bits(1000 + i * 0.5 + (i % 7));
    regular.push({ timestampMs: T0 + i * 15_000, bits: b });
  }
  out.push({
    labels: [
      { name: '__name__', value: 'oracle_regular' },
      { name: 'job', value: 'a' },
    ],
    samples: regular,
  });
  // Irregular intervals, a 40-minute hole, huge value jumps and every special value.
  const irregular: TestSample[] = [];
  let t = T0 + 1234;
  for (let i = 0; i < 300; i++) {
    const r = next();
    let b: bigint;
    if (r < 0.1) b = [STALE_NAN_BITS, GO_NAN, POS_INF, NEG_INF, NEG_ZERO][Math.floor(next() * 5)]!;
    else if (r < 0.2) b = bits((next() - 0.5) * 1e300);
    else if (r < 0.3) b = bits(next() * 1e-300);
    else if (r < 0.5) b = bits(Math.floor(next() * 100));
    else b = bits(next());
    irregular.push({ timestampMs: t, bits: b });
    t += i === 150 ? 40 * 60_000 : 1 + Math.floor(next() * 20_000);
  }
  out.push({
    labels: [
      { name: '__name__', value: 'oracle_irregular' },
      { name: 'job', value: 'b' },
      { name: 'zone', value: 'ünï 😀' },
    ],
    samples: irregular,
  });
  // Many labels, few samples.
  const many = [{ name: '__name__', value: 'oracle_many_labels' }];
  for (let i = 0; i < 30; i++)
    many.push({ name: `label_${String(i).padStart(2, '0')}`, value: `value ${i}` });
  out.push({
    labels: many,
    samples: Array.from({ length: 50 }, (_v, i) => ({
      timestampMs: T0 + 5_000 + i * 60_000,
      bits: bits(i * i),
    })),
  });
  // The verified test vector of protocols.md §4.5.
  const deltas = [0, 15000, 15000, 15000, 16000, 10000, 30000, 130000, 830000, 830000];
  const vector = [1, 1, 2.5, 2.5, 2.75]
    .map(bits)
    .concat([STALE_NAN_BITS, bits(1e300), GO_NAN, NEG_ZERO, bits(42)]);
  let tv = 1795550460000;
  out.push({
    labels: [
      { name: '__name__', value: 'xor_test' },
      { name: 'job', value: 't' },
    ],
    samples: vector.map((b, i) => ({ timestampMs: (tv += deltas[i]!), bits: b })),
  });
  // The last value's 59 significant bits start mid-byte and end on a byte boundary: bstream's
  // writeBits ends with writeBit there, so no empty last byte (a 27-byte chunk).
  out.push({
    labels: [{ name: '__name__', value: 'oracle_last_byte' }],
    samples: [
      { timestampMs: T0 + 1_000, bits: 0n },
      { timestampMs: T0 + 2_000, bits: 0x4000000000000010n },
    ],
  });
  for (const s of out) for (const x of s.samples) assert.ok(x.timestampMs >= T0 && x.timestampMs <= T_END);
  return out;
}

const QUERIES: TestQuery[] = [
  { startMs: T0, endMs: T_END, matchers: [{ type: 2, name: '__name__', value: 'oracle_.*|xor_test' }] },
  // A narrower range: Prometheus sends whole chunks overlapping it, the client keeps [start, end].
  {
    startMs: T0 + 600_000,
    endMs: T0 + 2_400_000,
    matchers: [
      { type: 0, name: 'job', value: 'b' },
      { type: 2, name: '__name__', value: 'oracle_.+' },
    ],
  },
  { startMs: T0, endMs: T_END, matchers: [{ type: 0, name: '__name__', value: 'no_such_metric' }] },
];

let prom: RunningPrometheus;
let gw: RunningGateway;

before(async () => {
  prom = await startPrometheus({ extraFlags: ['--web.enable-remote-write-receiver'] });
  gw = await startTestGateway();
});
after(async () => {
  await prom?.stop();
  await gw?.close();
});

async function readStreamed(url: string, queries: readonly TestQuery[], types: number[] = [1]) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Read-Version': '0.1.0',
    },
    body: snappyCompress(encodeReadRequest(queries, types)),
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body };
}

/** What the Prometheus client keeps: samples within the query's inclusive range. */
function clipped(s: StreamedSeries) {
  const q = QUERIES[s.queryIndex]!;
  return s.samples
    .filter((x) => x.t >= q.startMs && x.t <= q.endMs)
    .map((x) => `${x.t}:${x.bits.toString(16)}`);
}

test('promgate streams the same series, samples and chunks as Prometheus 2.42', async (t) => {
  const body = snappyCompress(encodeWriteRequest(dataset()));
  const toProm = await post(`${prom.url}/api/v1/write`, body);
  assert.equal(toProm.status, 204, `Prometheus: ${toProm.text}`);
  const toGw = await post(`${gw.url}/api/v1/write`, body);
  assert.equal(toGw.status, 204, `promgate: ${toGw.text}`);

  const fromProm = await readStreamed(`${prom.url}/api/v1/read`, QUERIES);
  const fromGw = await readStreamed(`${gw.url}/api/v1/read`, QUERIES);
  assert.equal(fromProm.status, 200, fromProm.body.toString());
  assert.equal(fromGw.status, 200, fromGw.body.toString());
  assert.equal(fromProm.headers.get('content-type'), STREAMED);
  assert.equal(fromGw.headers.get('content-type'), STREAMED);
  assert.equal(fromGw.headers.get('content-encoding'), null);

  const want = decodeStreamedSeries(fromProm.body);
  const got = decodeStreamedSeries(fromGw.body);
  const ids = (list: StreamedSeries[]) => list.map((s) => `${s.queryIndex} ${JSON.stringify(s.labels)}`);
  assert.deepEqual(ids(got), ids(want));
  assert.equal(want.length, 6, 'five series for query 0, one for query 1, none for query 2');

  let compared = 0;
  let identical = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    assert.deepEqual(clipped(g), clipped(w), `samples of ${ids([w])[0]}`);
    // Chunk bytes, wherever both cut a chunk at the same samples.
    for (const gc of g.chunks) {
      const wc = w.chunks.find(
        (c) =>
          c.minTimeMs === gc.minTimeMs &&
          c.maxTimeMs === gc.maxTimeMs &&
          decodeXorChunk(c.data).length === decodeXorChunk(gc.data).length,
      );
      if (wc === undefined) continue;
      compared++;
      assert.equal(gc.data.toString('hex'), wc.data.toString('hex'), `chunk ${gc.minTimeMs}–${gc.maxTimeMs}`);
      identical++;
    }
  }
  t.diagnostic(
    `series ${want.length}; chunks Prometheus ${want.reduce((n, s) => n + s.chunks.length, 0)}, ` +
      `promgate ${got.reduce((n, s) => n + s.chunks.length, 0)}; same cut ${compared}, byte-identical ${identical}`,
  );
  // oracle_regular: 4 chunks (120, 120, 120, 40); many labels: 1; last byte: 1; the test vector: 1.
  assert.ok(compared >= 7, `only ${compared} chunks cut alike`);
});

test('response type negotiation: the first listed type the server implements wins', async () => {
  const q: TestQuery[] = [
    { startMs: T0, endMs: T_END, matchers: [{ type: 0, name: '__name__', value: 'xor_test' }] },
  ];
  for (const [types, want] of [
    [[], 'application/x-protobuf'],
    [[0, 1], 'application/x-protobuf'],
    [[1, 0], STREAMED],
    [[7, 1, 0], STREAMED],
    [[7, 0, 1], 'application/x-protobuf'],
  ] as Array<[number[], string]>) {
    const res = await readStreamed(`${gw.url}/api/v1/read`, q, types);
    assert.equal(res.status, 200, `${JSON.stringify(types)}: ${res.body.toString()}`);
    assert.equal(res.headers.get('content-type'), want, JSON.stringify(types));
    assert.equal(res.headers.get('content-encoding'), want === STREAMED ? null : 'snappy');
  }
  const none = await readStreamed(`${gw.url}/api/v1/read`, q, [7]);
  assert.equal(none.status, 400);
});

test('streamed: errors before the first byte are status codes; no match is an empty 200 stream', async () => {
  const bad = await readStreamed(`${gw.url}/api/v1/read`, [
    { startMs: T0, endMs: T_END, matchers: [{ type: 2, name: '__name__', value: '(' }] },
  ]);
  assert.equal(bad.status, 400, bad.body.toString());
  const empty = await readStreamed(`${gw.url}/api/v1/read`, [QUERIES[2]!]);
  assert.equal(empty.status, 200);
  assert.equal(empty.headers.get('content-type'), STREAMED);
  assert.equal(empty.body.length, 0);
});
