// Through the whole gateway: a write stored in InfluxDB answers 204, the same write while
// InfluxDB is stopped answers 503 with Retry-After (Prometheus keeps and resends it), and
// after a restart it is stored.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { snappyCompress } from '../../src/codec/snappy.js';
import type { RunningGateway } from '../../src/gateway.js';
import { startInfluxDB, type InfluxServer } from '../../test/harness/influxdb.js';
import { encodeWriteRequest } from '../../test/support/encode-write.js';
import { post, startTestGateway } from '../../test/support/gateway.js';

let influx: InfluxServer | undefined;
let gw: RunningGateway | undefined;
before(async () => {
  influx = await startInfluxDB();
  gw = await startTestGateway({
    web: { write_timeout: '2s' },
    backends: [
      {
        name: 'influx',
        type: 'influxdb',
        url: influx.url,
        database: 'gw',
        create_database: true,
        timeout: '1s',
      },
    ],
  });
});
after(async () => {
  await gw?.close();
  await influx?.destroy();
});

const body = (t: number) =>
  snappyCompress(
    encodeWriteRequest([
      { labels: [{ name: '__name__', value: 'gw_status' }], samples: [{ timestampMs: t, value: t / 1000 }] },
    ]),
  );

describe('gateway status codes with an InfluxDB backend', () => {
  it('204 when stored, 503 + Retry-After while InfluxDB is down, 204 again after restart', async () => {
    const base = 1_700_000_000_000;
    assert.equal((await post(`${gw!.url}/api/v1/write`, body(base))).status, 204);
    await influx!.stop();
    try {
      const res = await post(`${gw!.url}/api/v1/write`, body(base + 1000));
      assert.equal(res.status, 503, res.text);
      assert.ok(res.headers.get('retry-after'), 'Retry-After header');
    } finally {
      await influx!.start();
    }
    assert.equal((await post(`${gw!.url}/api/v1/write`, body(base + 1000))).status, 204);
    const answer = await influx!.query('SELECT count("value") FROM "gw_status"', 'gw');
    assert.equal(answer.results[0]?.series?.[0]?.values[0]?.[1], 2);
  });
});
