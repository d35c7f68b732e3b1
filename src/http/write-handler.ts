// POST /api/v1/write (and the legacy /write): limits, negotiation, decode, fan-out, answer.

import type { Request, Response } from 'express';
import { snappyDecompress } from '../codec/snappy.js';
import type { createWriteV1Decoder } from '../codec/write-v1.js';
import type { WebConfig } from '../config/config.js';
import type { Metrics } from '../metrics.js';
import type { Backend } from '../pipeline/backend.js';
import { fanOutWrite } from '../write/fan-out.js';
import { readBody } from './body.js';
import { checkSnappyEncoding, writeProtocol } from './content-type.js';
import { writeAnswer } from './write-status.js';

export interface WriteHandlerDeps {
  readonly web: WebConfig;
  readonly decoder: ReturnType<typeof createWriteV1Decoder>;
  readonly backends: readonly Backend[];
  readonly metrics: Metrics;
}

export function createWriteHandler(deps: WriteHandlerDeps) {
  const { web, decoder, backends, metrics } = deps;
  return async (req: Request, res: Response): Promise<void> => {
    const deadline = Date.now() + web.write_timeout;
    const protocol = writeProtocol(req.headers['content-type']);
    checkSnappyEncoding(req.headers['content-encoding']);
    const body = await readBody(req, web.max_body_size);
    const raw = snappyDecompress(body, web.max_decoded_size);
    const builtBefore = decoder.seriesBuilt();
    const batch = decoder.decode(raw);
    metrics.seriesCacheEntries.set(decoder.cachedSeries());
    metrics.seriesCacheMisses.inc(decoder.seriesBuilt() - builtBefore);
    metrics.receivedSamples.inc({ protocol }, batch.sampleCount);
    if (batch.metadata.length > 0) metrics.receivedMetadata.inc({ protocol }, batch.metadata.length);
    if (batch.histogramCount > 0) metrics.receivedHistograms.inc({ protocol }, batch.histogramCount);
    if (batch.exemplarCount > 0) metrics.receivedExemplars.inc({ protocol }, batch.exemplarCount);

    // Native histograms and exemplars are not in the model yet (remote write 2.0 issue): count
    // them as dropped for every backend so nothing disappears without a counter.
    for (const b of backends) {
      if (batch.histogramCount > 0)
        metrics.samplesDropped.inc(
          { backend: b.name, reason: 'unsupported_histogram' },
          batch.histogramCount,
        );
      if (batch.exemplarCount > 0)
        metrics.samplesDropped.inc({ backend: b.name, reason: 'unsupported_exemplar' }, batch.exemplarCount);
    }

    // A metadata-only request goes only to the backends that store metadata; it must be
    // answered 2xx or Prometheus logs a non-recoverable error.
    const routed =
      batch.series.length > 0 ? backends : backends.filter((b) => b.adapter.capabilities.metadata);
    countUnstoredMetadata(batch.metadata.length, backends, metrics);
    if (routed.length === 0 || (batch.series.length === 0 && batch.metadata.length === 0)) {
      res.status(204).end();
      return;
    }
    const results = await fanOutWrite(batch, routed, deadline, metrics);
    const answer = writeAnswer(results);
    res.status(answer.status).set(answer.headers);
    if (answer.body) res.type('text/plain').send(answer.body);
    else res.end();
  };
}

/** Metadata sent to a backend that cannot store it is counted, never silently lost. */
function countUnstoredMetadata(count: number, backends: readonly Backend[], metrics: Metrics): void {
  if (count === 0) return;
  for (const b of backends) {
    if (!b.adapter.capabilities.metadata)
      metrics.metadataDropped.inc({ backend: b.name, reason: 'unsupported_metadata' }, count);
  }
}
