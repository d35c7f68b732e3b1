// Compatibility both ways with InfluxDB 1.6.7's own Prometheus endpoints (issue 3 item 5), and a
// rejected point not losing the rest of its batch, on the real server.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { snappyCompress, snappyDecompress } from '../../src/codec/snappy.js';
import { bitsOf, makeBatch, readAll } from '../../test/contract/adapter-contract.js';
import { startInfluxDB, type InfluxServer } from '../../test/harness/influxdb.js';
import { decodeReadResponse } from '../../test/support/decode-read-response.js';
import { encodeReadRequest, encodeWriteRequest } from '../../test/support/encode-write.js';
import { signal, startTestAdapter } from './test-support.js';

let server: InfluxServer | undefined;
before(async () => {
  server = await startInfluxDB();
});
after(async () => {
  await server?.destroy();
});

const base = 1_700_000_000_000;
const values = [0.1, -2.5e-300, 1e21, 42, -0, 123456789.125, 5e-324];

describe('compatibility with InfluxDB 1.6.7 /api/v1/prom/write and /api/v1/prom/read', () => {
  it('reads through promgate what InfluxDB’s own /api/v1/prom/write stored', async () => {
    const s = server!;
    await s.createDatabase('native_in');
    const labels = [
      { name: '__name__', value: 'native_metric' },
      { name: 'instance', value: 'a b,c=d' },
      { name: 'job', value: 'api' },
    ];
    const body = encodeWriteRequest(
      values.map((v, i) => ({ labels, samples: [{ timestampMs: base + i * 1000, value: v }] })),
    );
    const res = await fetch(`${s.url}/api/v1/prom/write?db=native_in`, {
      method: 'POST',
      body: snappyCompress(body),
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
    });
    assert.equal(res.status, 204, await res.text());
    const adapter = await startTestAdapter({ url: s.url, database: 'native_in' });
    try {
      const got = await readAll(adapter, [{ type: 'EQ', name: '__name__', value: 'native_metric' }]);
      assert.equal(got.size, 1);
      const [series] = [...got.values()];
      assert.deepEqual(series!.labels, labels);
      assert.deepEqual(
        series!.samples,
        values.map((v, i) => [base + i * 1000, bitsOf(v)]),
      );
    } finally {
      await adapter.close();
    }
  });

  it('InfluxDB’s own /api/v1/prom/read returns what promgate wrote', async () => {
    const s = server!;
    const adapter = await startTestAdapter({ url: s.url, database: 'native_out', create_database: true });
    try {
      const batch = makeBatch([
        {
          labels: { __name__: 'gw_metric', job: 'api', path: '/a b,c=d', uni: 'Grüße 世界' },
          samples: values.map((v, i) => [base + i * 1000, bitsOf(v)] as const),
        },
      ]);
      assert.deepEqual(await adapter.write(batch, signal()), { written: values.length, rejected: [] });
    } finally {
      await adapter.close();
    }
    const req = encodeReadRequest([
      {
        startMs: base - 1000,
        endMs: base + 60_000,
        matchers: [{ type: 0, name: '__name__', value: 'gw_metric' }],
      },
    ]);
    const res = await fetch(`${s.url}/api/v1/prom/read?db=native_out`, {
      method: 'POST',
      body: snappyCompress(req),
      headers: {
        'Content-Encoding': 'snappy',
        'Content-Type': 'application/x-protobuf',
        'X-Prometheus-Remote-Read-Version': '0.1.0',
      },
    });
    assert.equal(res.status, 200);
    const [result] = decodeReadResponse(snappyDecompress(Buffer.from(await res.arrayBuffer()), 1 << 24));
    assert.equal(result!.length, 1);
    assert.deepEqual(result![0]!.labels, {
      __name__: 'gw_metric',
      job: 'api',
      path: '/a b,c=d',
      uni: 'Grüße 世界',
    });
    assert.deepEqual(
      result![0]!.samples,
      // InfluxDB's encoder drops a double equal to 0 as the proto3 default, so -0 arrives as +0
      // (a limit of its endpoint; promgate's own remote read returns -0).
      values.map((v, i) => ({ t: base + i * 1000, bits: bitsOf(v === 0 ? 0 : v) })),
    );
  });

  it('writes gzip bodies split into many requests and reads them back', async () => {
    const adapter = await startTestAdapter({
      url: server!.url,
      database: 'gzipped',
      create_database: true,
      gzip: true,
      batch_max_points: 7,
      write_concurrency: 3,
    });
    try {
      const spec = {
        labels: { __name__: 'gz_metric', job: 'gz' },
        samples: Array.from({ length: 100 }, (_, i) => [base + i * 1000, bitsOf(i / 3)] as const),
      };
      assert.deepEqual(await adapter.write(makeBatch([spec]), signal()), { written: 100, rejected: [] });
      const got = await readAll(adapter, [{ type: 'EQ', name: '__name__', value: 'gz_metric' }]);
      assert.deepEqual([...got.values()][0]!.samples, spec.samples);
    } finally {
      await adapter.close();
    }
  });

  it('counts points InfluxDB rejects (field type conflict) and stores the rest of the batch', async () => {
    const s = server!;
    await s.createDatabase('conflict');
    // An integer `value` field makes every float point of this measurement (in this shard) a conflict.
    const pre = await fetch(`${s.url}/write?db=conflict&precision=ms`, {
      method: 'POST',
      body: `typed,__name__=typed value=1i ${base}\n`,
    });
    assert.equal(pre.status, 204);
    const adapter = await startTestAdapter({ url: s.url, database: 'conflict' });
    try {
      const batch = makeBatch([
        { labels: { __name__: 'typed', k: 'x' }, samples: [[base + 1000, bitsOf(1.5)]] },
        {
          labels: { __name__: 'fine', k: 'y' },
          samples: [
            [base, bitsOf(1)],
            [base + 1000, bitsOf(2)],
          ],
        },
      ]);
      const outcome = await adapter.write(batch, signal());
      assert.equal(outcome.written, 2);
      assert.equal(outcome.rejected.length, 1);
      assert.equal(outcome.rejected[0]!.reason, 'influx_partial_write');
      assert.equal(outcome.rejected[0]!.count, 1);
      assert.match(outcome.rejected[0]!.example, /field type conflict/);
      const got = await readAll(adapter, [{ type: 'EQ', name: '__name__', value: 'fine' }]);
      assert.deepEqual([...got.values()][0]!.samples, [
        [base, bitsOf(1)],
        [base + 1000, bitsOf(2)],
      ]);
    } finally {
      await adapter.close();
    }
  });
});
