// Bad input gets a clear error, is counted, and the server keeps serving (issue #2).
// Runs against the real embedded backend (PGlite) so the "keeps serving" writes are real.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { snappyCompress } from '../../src/codec/snappy.js';
import type { RunningGateway } from '../../src/gateway.js';
import { encodeWriteRequest } from '../support/encode-write.js';
import { metricValue, post, startTestGateway } from '../support/gateway.js';

let gw: RunningGateway;
let now = Date.now();
const validBody = () =>
  snappyCompress(
    encodeWriteRequest([
      { labels: [{ name: '__name__', value: 'still_serving' }], samples: [{ timestampMs: now++, value: 1 }] },
    ]),
  );

before(async () => {
  gw = await startTestGateway({ web: { max_body_size: '256KiB', max_decoded_size: '1MiB' } });
});
after(async () => {
  await gw.close();
});

/** A varint, as in the snappy preamble. */
function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

const garbageProtobuf = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]);
const cases: Array<{
  name: string;
  body: Buffer;
  headers?: Record<string, string>;
  status: number;
  reason: string;
  message: RegExp;
}> = [
  {
    name: 'truncated snappy',
    body: validBody().subarray(0, 12),
    status: 400,
    reason: 'corrupt_snappy',
    message: /snappy/i,
  },
  {
    name: 'snappy preamble claiming 4 GiB',
    body: Buffer.concat([uvarint(0xffffffff), Buffer.from([0x00, 0x61])]),
    status: 413,
    reason: 'decoded_too_large',
    message: /4294967295/,
  },
  {
    name: 'garbage protobuf',
    body: snappyCompress(garbageProtobuf),
    status: 400,
    reason: 'corrupt_protobuf',
    message: /protobuf/i,
  },
  {
    name: 'snappy framed (stream) format',
    body: Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59, 0x00]),
    status: 400,
    reason: 'snappy_framed',
    message: /framed/i,
  },
  {
    name: 'wrong content type',
    body: validBody(),
    headers: { 'Content-Type': 'application/json' },
    status: 415,
    reason: 'unsupported_content_type',
    message: /Content-Type/,
  },
  {
    name: 'wrong content encoding',
    body: validBody(),
    headers: { 'Content-Encoding': 'gzip' },
    status: 415,
    reason: 'unsupported_encoding',
    message: /Content-Encoding "gzip"/,
  },
  {
    name: 'unknown proto= message',
    body: validBody(),
    headers: { 'Content-Type': 'application/x-protobuf;proto=foo.Bar' },
    status: 415,
    reason: 'unsupported_protocol',
    message: /foo\.Bar/,
  },
  { name: 'empty body', body: Buffer.alloc(0), status: 400, reason: 'empty_body', message: /empty/ },
  {
    name: 'oversized body',
    body: Buffer.alloc(300 * 1024, 1),
    status: 413,
    reason: 'body_too_large',
    message: /over the limit/,
  },
  {
    name: 'decoded size over the cap',
    body: snappyCompress(Buffer.alloc(2 * 1024 * 1024)),
    status: 413,
    reason: 'decoded_too_large',
    message: /limit/,
  },
  {
    name: 'unsorted labels',
    body: snappyCompress(
      encodeWriteRequest([
        {
          labels: [
            { name: 'job', value: 'a' },
            { name: '__name__', value: 'm' },
          ],
          samples: [{ timestampMs: 1, value: 1 }],
        },
      ]),
    ),
    status: 400,
    reason: 'unsorted_labels',
    message: /sorted/,
  },
  {
    name: 'timestamp beyond 2^53',
    body: snappyCompress(
      encodeWriteRequest([
        { labels: [{ name: '__name__', value: 'm' }], samples: [{ timestampMs: 2 ** 60, value: 1 }] },
      ]),
    ),
    status: 400,
    reason: 'invalid_timestamp',
    message: /timestamp/,
  },
];

for (const c of cases) {
  test(`bad input: ${c.name} → ${c.status}, counted, and the server keeps serving`, async () => {
    const before = await metricValue(gw, 'promgate_http_requests_rejected_total', {
      handler: 'write',
      reason: c.reason,
    });
    const res = await post(`${gw.url}/api/v1/write`, c.body, c.headers);
    assert.equal(res.status, c.status, `status for ${c.name}: ${res.text}`);
    assert.match(res.text, c.message);
    const afterCount = await metricValue(gw, 'promgate_http_requests_rejected_total', {
      handler: 'write',
      reason: c.reason,
    });
    assert.equal(
      afterCount,
      before + 1,
      `promgate_http_requests_rejected_total{reason="${c.reason}"} counted`,
    );
    const ok = await post(`${gw.url}/api/v1/write`, validBody());
    assert.equal(ok.status, 204, `a valid write after "${c.name}": ${ok.text}`);
  });
}

test('a request with metadata but no series is answered 204, counted, and stored by a backend that can', async () => {
  const body = snappyCompress(
    encodeWriteRequest([], {
      metadata: [{ type: 1, metricFamilyName: 'http_requests_total', help: 'Requests.' }],
    }),
  );
  const res = await post(`${gw.url}/api/v1/write`, body);
  assert.equal(res.status, 204);
  assert.equal(await metricValue(gw, 'promgate_received_metadata_total', { protocol: '1.0' }), 1);
  // The PostgreSQL adapter stores metadata, so nothing is counted as dropped.
  assert.equal(gw.backends[0]!.adapter.capabilities.metadata, true);
  assert.equal(await metricValue(gw, 'promgate_metadata_dropped_total'), 0);
});

test('a missing Content-Encoding means snappy; the legacy /write path is an alias', async () => {
  const res = await post(`${gw.url}/write`, validBody(), { 'Content-Encoding': '' });
  assert.equal(res.status, 204, res.text);
});

test('GET on the write path is 405; health endpoints answer', async () => {
  assert.equal((await fetch(`${gw.url}/api/v1/write`)).status, 405);
  assert.equal((await fetch(`${gw.url}/-/healthy`)).status, 200);
  const ready = await fetch(`${gw.url}/-/ready`);
  assert.equal(ready.status, 200, await ready.text());
  const metrics = await (await fetch(`${gw.url}/metrics`)).text();
  assert.match(metrics, /promgate_samples_written_total\{backend="pg"\} \d+/);
});

test('the decoder cache: a label set is decoded once, later requests hit the cache', async () => {
  const misses = () => metricValue(gw, 'promgate_decoder_series_cache_misses_total');
  const body = (t: number) =>
    snappyCompress(
      encodeWriteRequest([
        { labels: [{ name: '__name__', value: 'cache_probe' }], samples: [{ timestampMs: t, value: 1 }] },
      ]),
    );
  const before = await misses();
  assert.equal((await post(`${gw.url}/api/v1/write`, body(1000))).status, 204);
  assert.equal(await misses(), before + 1);
  assert.equal((await post(`${gw.url}/api/v1/write`, body(2000))).status, 204);
  assert.equal(await misses(), before + 1, 'the second request reuses the cached series');
});
