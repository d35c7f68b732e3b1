// End to end with the real Prometheus 2.42 through promgate on its embedded default (PGlite).
//
// PROMGATE_E2E_STORAGE=prometheus swaps promgate for a third Prometheus with its remote-write
// receiver: the same suite then checks the harness and the queries against the reference.

import { startPrometheus } from '../harness/prometheus.js';
import { tempDir } from '../harness/process.js';
import { describePrometheusRoundTrip, startPromgateStorage, type E2eStorage } from './roundtrip-suite.js';

async function startPromgateOnPglite(): Promise<E2eStorage> {
  const dir = tempDir('e2e-pglite');
  try {
    const storage = await startPromgateStorage([
      { name: 'pg', type: 'postgres', url: `pglite://${dir.path}`, read: true },
    ]);
    return {
      ...storage,
      close: async () => {
        await storage.close();
        dir.remove();
      },
    };
  } catch (err) {
    dir.remove();
    throw err;
  }
}

async function startReferenceStorage(): Promise<E2eStorage> {
  const prom = await startPrometheus({ extraFlags: ['--web.enable-remote-write-receiver'] });
  return {
    writeUrl: `${prom.url}/api/v1/write`,
    readUrl: `${prom.url}/api/v1/read`,
    logs: () => prom.output().split('\n').slice(-40).join('\n'),
    close: () => prom.stop(),
  };
}

const reference = process.env.PROMGATE_E2E_STORAGE === 'prometheus';
describePrometheusRoundTrip({
  name: reference
    ? 'real Prometheus remote_write → reference Prometheus → remote_read'
    : 'real Prometheus remote_write → promgate (PGlite) → remote_read',
  promgate: !reference,
  startStorage: reference ? startReferenceStorage : startPromgateOnPglite,
});
