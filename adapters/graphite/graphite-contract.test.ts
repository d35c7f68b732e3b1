// The shared adapter contract against the real carbon-cache 1.1.7 + graphite-web 1.1.8 (reads
// through the render API), at Graphite's one-second resolution. Tags mode over pickle: the
// contract's 64 KiB label value does not fit carbon's 16 KiB plaintext line, and path mode
// cannot hold it in a file name (README: naming, open points).
//
// Start order (backends.md §3): graphite-web first, then carbon pointing GRAPHITE_URL at it.
// The contract writes at fixed 2023-11-14 timestamps (up to 27.5 h later), and whisper archives
// are windows ending at "now": carbon silently drops older points. So both servers run with
// their clock started at 2023-11-16 06:00 UTC (libfaketime) and keep 36 h at one second.

import { after, before } from 'node:test';
import { runAdapterContract } from '../../test/contract/adapter-contract.js';
import type { CarbonServer } from '../../test/harness/carbon.js';
import { startCarbonWithWeb, type GraphiteWeb } from '../../test/harness/graphite-web.js';
import { sleep } from '../../test/harness/process.js';
import { createTestAdapter } from './test-support.js';

const CLOCK = new Date(Date.UTC(2023, 10, 16, 6, 0, 0));
let carbon: CarbonServer | undefined;
let web: GraphiteWeb | undefined;
before(async () => {
  ({ carbon, web } = await startCarbonWithWeb({ retentions: '1s:36h', clock: CLOCK }));
});
after(async () => {
  await carbon?.destroy();
  await web?.destroy();
});

runAdapterContract({
  name: 'graphite tags mode, pickle, on carbon 1.1.7 + graphite-web 1.1.8',
  stoppable: true,
  timestampResolutionMs: 1000,
  async create() {
    const c = carbon!;
    const adapter = createTestAdapter({
      address: `127.0.0.1:${c.picklePort}`,
      transport: 'pickle',
      mode: 'tags',
      render_url: web!.renderUrl,
      reconnect_backoff_max: '500ms',
      connect_timeout: '2s',
    });
    return {
      adapter,
      // Carbon has no ack: give its writer thread a moment to take what was already sent.
      stopBackend: async () => {
        await sleep(1_500);
        await c.stop();
      },
      startBackend: () => c.start(web!.url),
      cleanup: async () => {},
    };
  },
});
