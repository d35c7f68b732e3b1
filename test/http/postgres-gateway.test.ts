// The whole gateway with two real backends, a PostgreSQL 15 server and embedded PGlite, both
// written and both read: remote write → store → remote read over HTTP, bit for bit, each series
// once although both backends hold it; a stopped server turns into 503 (never a 2xx), and
// nothing is lost once it is back.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { snappyCompress, snappyDecompress } from '../../src/codec/snappy.js';
import type { RunningGateway } from '../../src/gateway.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { decodeReadResponse } from '../support/decode-read-response.js';
import { encodeReadRequest, encodeWriteRequest, type TestSeries } from '../support/encode-write.js';
import { post, startTestGateway } from '../support/gateway.js';

let pg: PostgresServer;
let gw: RunningGateway;
const T0 = 1_795_548_600_000;

before(async () => {
  pg = await startPostgres();
  gw = await startTestGateway({
    web: { write_timeout: '1s' },
    backends: [{ name: 'pg', type: 'postgres', url: pg.url, read: true }],
  });
});
after(async () => {
  await gw?.close();
  await pg?.destroy();
});

const SPECIAL_BITS = [
  0x7ff0000000000002n, // stale marker
  0x7ff8000000000001n, // Go's NaN
  0x7ff0000000000000n, // +Inf
  0xfff0000000000000n, // -Inf
  0x3ff8000000000000n, // 1.5
  0x8000000000000000n, // -0
  0x7ff4000000000abcn, // a signalling NaN with a payload
];

async function readSeries(
  matchers: Array<{ type: number; name: string; value: string }>,
  start: number,
  end: number,
) {
  const res = await fetch(`${gw.url}/api/v1/read`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    body: snappyCompress(encodeReadRequest([{ startMs: start, endMs: end, matchers }])),
  });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
  assert.equal(res.headers.get('content-encoding'), 'snappy');
  const raw = snappyDecompress(Buffer.from(await res.arrayBuffer()), 64 << 20);
  return decodeReadResponse(raw)[0]!;
}

test('remote write → PostgreSQL → remote read over HTTP keeps every value bit and groups entries', async () => {
  // One sample per entry, the label set repeated, as Prometheus sends it.
  const entries: TestSeries[] = SPECIAL_BITS.map((bits, i) => ({
    labels: [
      { name: '__name__', value: 'rt_bits' },
      { name: 'job', value: "o'hara; DROP TABLE x; --" },
    ],
    samples: [{ timestampMs: T0 + i * 1000, bits }],
  }));
  const res = await post(`${gw.url}/api/v1/write`, snappyCompress(encodeWriteRequest(entries)));
  assert.equal(res.status, 204, res.text);

  const series = await readSeries([{ type: 0, name: '__name__', value: 'rt_bits' }], T0, T0 + 60_000);
  assert.equal(series.length, 1);
  assert.deepEqual(series[0]!.labels, { __name__: 'rt_bits', job: "o'hara; DROP TABLE x; --" });
  assert.deepEqual(
    series[0]!.samples.map((s) => s.bits.toString(16)),
    SPECIAL_BITS.map((b) => b.toString(16)),
  );
  assert.deepEqual(
    series[0]!.samples.map((s) => s.t),
    SPECIAL_BITS.map((_b, i) => T0 + i * 1000),
  );
  // The query's range is inclusive at both ends and clips what is returned.
  const clipped = await readSeries([{ type: 0, name: '__name__', value: 'rt_bits' }], T0 + 1000, T0 + 2000);
  assert.deepEqual(
    clipped[0]!.samples.map((s) => s.t),
    [T0 + 1000, T0 + 2000],
  );
  // The core re-applies matchers: an anchored regex that must not match.
  assert.equal((await readSeries([{ type: 2, name: 'job', value: 'hara' }], T0, T0 + 60_000)).length, 0);
});

test('PostgreSQL stopped: writes get 503 + Retry-After and reads 503; after restart the resent write is stored', async () => {
  const body = snappyCompress(
    encodeWriteRequest([
      { labels: [{ name: '__name__', value: 'outage_metric' }], samples: [{ timestampMs: T0, value: 42 }] },
    ]),
  );
  await pg.stop();
  try {
    const down = await post(`${gw.url}/api/v1/write`, body);
    assert.equal(down.status, 503, down.text);
    assert.ok(Number(down.headers.get('retry-after')) >= 1);
    const ready = await fetch(`${gw.url}/-/ready`);
    assert.equal(ready.status, 503, 'not ready while the backend is down');
    const readDown = await fetch(`${gw.url}/api/v1/read`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
      body: snappyCompress(
        encodeReadRequest([
          { startMs: T0, endMs: T0, matchers: [{ type: 0, name: '__name__', value: 'outage_metric' }] },
        ]),
      ),
    });
    assert.equal(readDown.status, 503);
  } finally {
    await pg.start();
  }
  // Prometheus resends the same request; it is stored once.
  let status = 0;
  for (let i = 0; i < 50 && status !== 204; i++) {
    status = (await post(`${gw.url}/api/v1/write`, body)).status;
    if (status !== 204) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(status, 204);
  assert.equal((await post(`${gw.url}/api/v1/write`, body)).status, 204, 'a resent batch is accepted again');
  const series = await readSeries([{ type: 0, name: '__name__', value: 'outage_metric' }], T0, T0);
  assert.deepEqual(
    series.map((s) => s.samples.length),
    [1],
  );
});
