// Carbon killed (SIGKILL) and restarted in the middle of a stream of writes: the adapter fails
// retryably while carbon is gone, reconnects with backoff, and everything sent from the first
// failure on (the unsent part, retried whole by the caller) is on disk afterwards. What was
// acknowledged just before the kill may be lost with carbon's cache: carbon has no ack (README).

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { RetryableError } from '../../src/adapter.js';
import { bitsOf, makeBatch } from '../../test/contract/adapter-contract.js';
import { startCarbon, type CarbonServer } from '../../test/harness/carbon.js';
import { sleep, waitFor } from '../../test/harness/process.js';
import { signal, startTestAdapter } from './test-support.js';

const NOW = Math.floor(Date.now() / 1000) - 600;
let carbon: CarbonServer;
before(async () => {
  carbon = await startCarbon();
});
after(async () => {
  await carbon?.destroy();
});

it('carbon killed and restarted mid-stream: retryable errors, then no loss of the unsent part', async () => {
  const a = await startTestAdapter({
    address: `127.0.0.1:${carbon.linePort}`,
    reconnect_backoff_max: '500ms',
  });
  try {
    let failures = 0;
    const acked: number[] = [];
    const sentAfterFailure: number[] = [];
    let sawFailure = false;
    let restarted: Promise<void> | undefined;
    for (let i = 0; i < 60; i++) {
      if (i === 20) {
        await carbon.kill();
        // Back after a second, while the writes below keep failing and retrying.
        restarted = sleep(1_000).then(() => carbon.start());
      }
      const batch = makeBatch([
        { labels: { __name__: 'restart', batch: String(i % 3) }, samples: [[(NOW + i) * 1000, bitsOf(i)]] },
      ]);
      // The core's retry loop, bounded: resend the whole batch until carbon takes it.
      for (let attempt = 0; ; attempt++) {
        try {
          await a.write(batch, signal());
          acked.push(i);
          if (sawFailure) sentAfterFailure.push(i);
          break;
        } catch (err) {
          assert.ok(err instanceof RetryableError, `expected RetryableError, got ${String(err)}`);
          failures++;
          sawFailure = true;
          assert.ok(attempt < 100, 'carbon did not come back');
          await sleep(100);
        }
      }
      await sleep(20);
    }
    await restarted;
    assert.ok(failures > 0, 'the outage produced retryable errors');
    assert.equal(acked.length, 60);
    // Everything sent from the first failure on (the unsent part, retried) is on disk.
    const want = new Set(sentAfterFailure);
    const got = new Set<number>();
    await waitFor(
      'the retried batches on disk',
      async () => {
        got.clear();
        for (const k of ['0', '1', '2'])
          for (const [t] of await carbon.fetch(`restart.batch.${k}`, NOW - 1, NOW + 61)) got.add(t - NOW);
        return [...want].every((i) => got.has(i));
      },
      10_000,
      200,
    );
    const lostBeforeKill = acked.filter((i) => !sentAfterFailure.includes(i) && !got.has(i));
    console.log(
      `# restart: ${failures} retryable failures; acked before the kill but lost with carbon's cache: ${lostBeforeKill.length}`,
    );
  } finally {
    await a.close();
  }
});
