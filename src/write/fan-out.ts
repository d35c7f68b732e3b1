// Routes one decoded request to the backends and sends it to them in parallel, accounting for
// what each did with it (design.md §1: the answer waits for every routed backend).
//
// Routing by capability (design.md §2): a backend gets the native histograms, exemplars and
// metadata only if it can store them; what it cannot store is counted as dropped for it
// (`unsupported_histogram`, `unsupported_exemplar`, promgate_metadata_dropped_total) and never
// handed over. A backend that would get nothing (e.g. a metadata-only request for a backend that
// stores no metadata) is not called at all.

import type { Backend, BackendWriteResult } from '../pipeline/backend.js';
import type { Metrics } from '../metrics.js';
import type { WriteBatch } from '../model.js';

/** One backend and the part of the request it gets. */
export interface Route {
  readonly backend: Backend;
  readonly batch: WriteBatch;
}

export interface BackendResult {
  readonly backend: string;
  /** What this backend was given (the request minus what it cannot store). */
  readonly batch: WriteBatch;
  readonly result: BackendWriteResult;
}

/** Each backend's share of the request; counts what a backend cannot store. */
export function routeWrite(batch: WriteBatch, backends: readonly Backend[], metrics: Metrics): Route[] {
  const routes: Route[] = [];
  for (const backend of backends) {
    const caps = backend.adapter.capabilities;
    const name = backend.name;
    const histograms = caps.histograms || batch.histogramCount === 0;
    const exemplars = caps.exemplars || batch.exemplarCount === 0;
    if (!histograms) {
      metrics.samplesDropped.inc({ backend: name, reason: 'unsupported_histogram' }, batch.histogramCount);
    }
    if (!exemplars) {
      metrics.samplesDropped.inc({ backend: name, reason: 'unsupported_exemplar' }, batch.exemplarCount);
    }
    if (batch.metadata.length > 0 && !caps.metadata) {
      metrics.metadataDropped.inc({ backend: name, reason: 'unsupported_metadata' }, batch.metadata.length);
    }
    const share: WriteBatch =
      histograms && exemplars
        ? batch
        : {
            ...batch,
            histograms: histograms ? batch.histograms : [],
            histogramCount: histograms ? batch.histogramCount : 0,
            exemplars: exemplars ? batch.exemplars : [],
            exemplarCount: exemplars ? batch.exemplarCount : 0,
          };
    const hasData =
      share.series.length > 0 ||
      share.histogramCount > 0 ||
      share.exemplarCount > 0 ||
      (caps.metadata && share.metadata.length > 0);
    if (hasData) routes.push({ backend, batch: share });
  }
  return routes;
}

export async function fanOutWrite(
  routes: readonly Route[],
  deadline: number,
  metrics: Metrics,
): Promise<BackendResult[]> {
  const results = await Promise.all(
    routes.map(async ({ backend, batch }) => ({
      backend: backend.name,
      batch,
      result: await backend.write(batch, deadline),
    })),
  );
  for (const r of results) account(r, metrics);
  return results;
}

function account({ backend, batch, result }: BackendResult, metrics: Metrics): void {
  const dropped = (reason: string, n: number) => {
    if (n > 0) metrics.samplesDropped.inc({ backend, reason }, n);
  };
  const given = batch.sampleCount + batch.histogramCount + batch.exemplarCount;
  switch (result.kind) {
    case 'written': {
      const { written, writtenHistograms = 0, writtenExemplars = 0 } = result.outcome;
      if (written > 0) metrics.samplesWritten.inc({ backend }, written);
      if (writtenHistograms > 0) metrics.histogramsWritten.inc({ backend }, writtenHistograms);
      if (writtenExemplars > 0) metrics.exemplarsWritten.inc({ backend }, writtenExemplars);
      for (const r of result.outcome.rejected) dropped(r.reason, r.count);
      break;
    }
    case 'shed':
      // Refused with 503: the sender keeps the data and resends it.
      dropped('overload', given);
      break;
    case 'failed':
      dropped(result.error.class === 'retryable' ? 'backend_unavailable' : 'backend_rejected', given);
      break;
  }
}
