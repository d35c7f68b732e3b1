// The shared adapter contract: in full (write → store → read) against the OpenTSDB stand-in,
// and the write side against a real VictoriaMetrics 1.79.5 through its OpenTSDB HTTP
// listener (VM has no /api/query, backends.md §4). NaN, ±Inf and the stale marker are
// counted as rejected (OpenTSDB cannot store them); everything else comes back bit for bit.

import { after, before } from 'node:test';
import { runAdapterContract } from '../../test/contract/adapter-contract.js';
import { startVictoriaMetrics, type VictoriaMetricsServer } from '../../test/harness/victoria-metrics.js';
import { startOpenTsdbStandIn, type OpenTsdbStandIn } from '../../test/stand-ins/opentsdb-query-stand-in.js';
import { createTestAdapter, writeOnly } from './test-support.js';

let standIn: OpenTsdbStandIn | undefined;
let vm: VictoriaMetricsServer | undefined;
before(async () => {
  standIn = await startOpenTsdbStandIn({ autoCreateMetrics: true });
  vm = await startVictoriaMetrics({ opentsdbHttp: true });
});
after(async () => {
  await standIn?.close();
  await vm?.destroy();
});

runAdapterContract({
  name: 'opentsdb on the OpenTSDB stand-in',
  stoppable: true,
  async create() {
    const s = standIn!;
    return {
      adapter: createTestAdapter({ url: s.url, timeout: '2s' }),
      stopBackend: () => s.stop(),
      startBackend: () => s.start(),
      cleanup: async () => {},
    };
  },
});

runAdapterContract({
  name: 'opentsdb (write side) on VictoriaMetrics 1.79.5',
  // The shared harness cannot restart on the same port; the stand-in run covers "backend down"
  // and victoria-metrics-write.test.ts checks a real server going away.
  stoppable: false,
  async create() {
    const url = `http://127.0.0.1:${vm!.opentsdbHttpPort!}`;
    return { adapter: writeOnly(createTestAdapter({ url, timeout: '2s' })), cleanup: async () => {} };
  },
});
