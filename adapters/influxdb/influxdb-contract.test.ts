// The shared adapter contract against a real InfluxDB 1.6.7 (api v1), a database per case.

import { after, before } from 'node:test';
import { runAdapterContract } from '../../test/contract/adapter-contract.js';
import { startInfluxDB, type InfluxServer } from '../../test/harness/influxdb.js';
import { createTestAdapter } from './test-support.js';

let server: InfluxServer | undefined;
let databases = 0;
before(async () => {
  server = await startInfluxDB();
});
after(async () => {
  await server?.destroy();
});

runAdapterContract({
  name: 'influxdb api v1 on InfluxDB 1.6.7',
  stoppable: true,
  async create() {
    const s = server!;
    const adapter = createTestAdapter({
      url: s.url,
      database: `contract_${databases++}`,
      create_database: true,
      timeout: '2s',
    });
    return { adapter, stopBackend: () => s.stop(), startBackend: () => s.start(), cleanup: async () => {} };
  },
});
