// End to end with the real Prometheus 2.42 and the real InfluxDB 1.6.7 (issue 3): Prometheus
// "source" scrapes a deterministic target (NaN, +Inf, a hostile label value) and itself, and
// remote-writes through promgate into InfluxDB; Prometheus "reader" has no scrape configs and
// answers PromQL only through remote_read from promgate, which reads InfluxDB over InfluxQL.
// For data promgate has fully received, both must answer identically, value for value.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startInfluxDB, type InfluxServer } from '../harness/influxdb.js';
import { describePrometheusRoundTrip, startPromgateStorage } from './roundtrip-suite.js';

let influx: InfluxServer | undefined;

describePrometheusRoundTrip({
  name: 'real Prometheus → promgate → InfluxDB 1.6.7 → remote_read',
  promgate: true,
  async startStorage() {
    influx = await startInfluxDB();
    const server = influx;
    const storage = await startPromgateStorage([
      {
        name: 'influx',
        type: 'influxdb',
        url: server.url,
        database: 'e2e',
        create_database: true,
        read: true,
      },
    ]).catch(async (err: unknown) => {
      await server.destroy();
      throw err;
    });
    return {
      ...storage,
      close: async () => {
        await storage.close();
        await server.destroy();
      },
    };
  },
  extraCases() {
    it('stores the schema of InfluxDB’s own endpoint: measurement = name, __name__ tag, float field value', async () => {
      const answer = await influx!.query('SHOW FIELD KEYS FROM "up"', 'e2e');
      assert.deepEqual(answer.results[0]?.series?.[0]?.values, [['value', 'float']]);
      const tags = await influx!.query('SHOW TAG KEYS FROM "up"', 'e2e');
      const keys = (tags.results[0]?.series?.[0]?.values ?? []).map((r) => r[0]);
      for (const k of ['__name__', 'instance', 'job', 'cluster', 'replica'])
        assert.ok(keys.includes(k), `tag ${k}`);
    });
  },
});
