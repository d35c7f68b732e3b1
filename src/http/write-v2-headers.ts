// The "written" headers of a remote write 2.0 answer (protocols.md §3.5, trap 8), computed beside
// the status mapping (write-status.ts) from the same backend results. Prometheus (≥ 2.54) reads
// them on every answer to a 2.0 request: a 2xx saying "0 written" for a request with data is a
// non-retried failure to it, so they must say what was really stored, on failures too.
//
// A request is stored only as far as every backend it was routed to stored it, so the sample
// count is the minimum over those backends (a backend that shed or failed stored 0); likewise
// for histograms and exemplars over the backends that can store them (fan-out.ts).
// Never sent for 1.0 requests: 1.0 senders do not expect them.

import type { BackendResult } from '../write/fan-out.js';

export const SAMPLES_WRITTEN = 'X-Prometheus-Remote-Write-Samples-Written';
export const HISTOGRAMS_WRITTEN = 'X-Prometheus-Remote-Write-Histograms-Written';
export const EXEMPLARS_WRITTEN = 'X-Prometheus-Remote-Write-Exemplars-Written';

export interface WrittenCounts {
  readonly samples: number;
  readonly histograms: number;
  readonly exemplars: number;
}

export const NOTHING_WRITTEN: WrittenCounts = { samples: 0, histograms: 0, exemplars: 0 };

/**
 * What every backend a kind was routed to stored of it (the minimum over those backends); a kind
 * no backend was given counts 0.
 */
export function writtenCounts(results: readonly BackendResult[]): WrittenCounts {
  let samples = Infinity;
  let histograms = Infinity;
  let exemplars = Infinity;
  for (const { batch, result } of results) {
    const outcome = result.kind === 'written' ? result.outcome : undefined;
    if (batch.sampleCount > 0) samples = Math.min(samples, outcome?.written ?? 0);
    if (batch.histogramCount > 0) histograms = Math.min(histograms, outcome?.writtenHistograms ?? 0);
    if (batch.exemplarCount > 0) exemplars = Math.min(exemplars, outcome?.writtenExemplars ?? 0);
  }
  const finite = (n: number): number => (n === Infinity ? 0 : n);
  return { samples: finite(samples), histograms: finite(histograms), exemplars: finite(exemplars) };
}

/** The three headers, as decimal integers. */
export function writtenHeaders(counts: WrittenCounts): Record<string, string> {
  return {
    [SAMPLES_WRITTEN]: String(counts.samples),
    [HISTOGRAMS_WRITTEN]: String(counts.histograms),
    [EXEMPLARS_WRITTEN]: String(counts.exemplars),
  };
}
