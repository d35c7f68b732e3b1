// Sends one decoded request to every backend it is routed to, in parallel, and accounts for
// what each did with it (design.md §1: the answer waits for every routed backend).

import type { Backend, BackendWriteResult } from '../pipeline/backend.js';
import type { Metrics } from '../metrics.js';
import type { WriteBatch } from '../model.js';

export interface BackendResult {
  readonly backend: string;
  readonly result: BackendWriteResult;
}

export async function fanOutWrite(
  batch: WriteBatch,
  backends: readonly Backend[],
  deadline: number,
  metrics: Metrics,
): Promise<BackendResult[]> {
  const results = await Promise.all(
    backends.map(async (b) => ({ backend: b.name, result: await b.write(batch, deadline) })),
  );
  for (const { backend, result } of results) account(backend, batch, result, metrics);
  return results;
}

function account(backend: string, batch: WriteBatch, result: BackendWriteResult, metrics: Metrics): void {
  const dropped = (reason: string, n: number) => {
    if (n > 0) metrics.samplesDropped.inc({ backend, reason }, n);
  };
  switch (result.kind) {
    case 'written':
      if (result.outcome.written > 0) metrics.samplesWritten.inc({ backend }, result.outcome.written);
      for (const r of result.outcome.rejected) dropped(r.reason, r.count);
      break;
    case 'shed':
      // Refused with 503: the sender keeps the samples and resends them.
      dropped('overload', batch.sampleCount);
      break;
    case 'failed':
      dropped(
        result.error.class === 'retryable' ? 'backend_unavailable' : 'backend_rejected',
        batch.sampleCount,
      );
      break;
  }
}
