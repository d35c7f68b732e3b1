// The shared adapter contract against a real PostgreSQL 15 cluster and against PGlite (a
// persistent directory), through the public kind (options parsed as from the config file).

import { after, before } from 'node:test';
import { parseOptions } from '../../src/adapter.js';
import { silentLogger } from '../../src/log.js';
import { runAdapterContract } from '../../test/contract/adapter-contract.js';
import { startPostgres, type PostgresServer } from '../../test/harness/postgres.js';
import { tempDir } from '../../test/harness/process.js';
import { postgresAdapterKind } from './index.js';

function createAdapter(raw: Record<string, unknown>) {
  const options = parseOptions(postgresAdapterKind.options, raw, 'backends[0]');
  return postgresAdapterKind.create(options, { name: 'contract', logger: silentLogger });
}

let server: PostgresServer | undefined;
let schemas = 0;
// One PGlite directory for all cases, a schema each: reopening a directory takes ~0.6 s,
// creating one (initdb in WASM) ~5 s. The suite closes each adapter before the next opens it.
const pgliteDir = tempDir('pglite-contract');
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.destroy();
  pgliteDir.remove();
});

runAdapterContract({
  name: 'postgres on PostgreSQL 15',
  stoppable: true,
  async create() {
    const pg = server!;
    // A schema per test keeps the cases independent on one cluster.
    const adapter = createAdapter({ url: pg.url, schema: `contract_${schemas++}`, connect_timeout: '2s' });
    return { adapter, stopBackend: () => pg.stop(), startBackend: () => pg.start(), cleanup: async () => {} };
  },
});

runAdapterContract({
  name: 'postgres on PGlite (directory)',
  stoppable: false,
  async create() {
    const adapter = createAdapter({ url: `pglite://${pgliteDir.path}`, schema: `contract_${schemas++}` });
    return { adapter, cleanup: async () => {} };
  },
});
