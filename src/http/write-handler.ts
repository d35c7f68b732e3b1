// POST /api/v1/write (and the legacy /write): limits, negotiation, decode, fan-out, answer.

import type { Request, Response } from 'express';
import { snappyDecompress } from '../codec/snappy.js';
import type { WriteV1Decoder } from '../codec/write-v1.js';
import type { WriteV2Decoder } from '../codec/write-v2.js';
import type { WebConfig } from '../config/config.js';
import type { Metrics } from '../metrics.js';
import type { WriteBatch } from '../model.js';
import type { Backend } from '../pipeline/backend.js';
import { fanOutWrite, routeWrite, type Route } from '../write/fan-out.js';
import { readBody } from './body.js';
import { checkSnappyEncoding, writeProtocol } from './content-type.js';
import { writeAnswer } from './write-status.js';
import { NOTHING_WRITTEN, writtenHeaders } from './write-v2-headers.js';

export interface WriteHandlerDeps {
  readonly web: WebConfig;
  readonly decoder: WriteV1Decoder;
  /** Remote write 2.0 (io.prometheus.write.v2.Request), chosen by Content-Type. */
  readonly decoderV2: WriteV2Decoder;
  readonly backends: readonly Backend[];
  readonly metrics: Metrics;
}

export function createWriteHandler(deps: WriteHandlerDeps) {
  const { web, decoder: decoderV1, decoderV2, backends, metrics } = deps;
  return async (req: Request, res: Response): Promise<void> => {
    const deadline = Date.now() + web.write_timeout;
    // The schema is chosen by Content-Type only (trap 9): the body cannot tell. A 1.0 body sent
    // as 2.0 would decode as an empty 2.0 request; the 2.0 decoder refuses it (v1_body_as_v2).
    const protocol = writeProtocol(req.headers['content-type']);
    // A 2.0 sender reads the written headers on every answer, errors included (§3.5): they say
    // 0 until the backends have answered, so a request refused below (413, 415, 400) carries 0.
    if (protocol === '2.0') res.set(writtenHeaders(NOTHING_WRITTEN));
    checkSnappyEncoding(req.headers['content-encoding']);
    const body = await readBody(req, web.max_body_size);
    const raw = snappyDecompress(body, web.max_decoded_size);
    const decoder = protocol === '2.0' ? decoderV2 : decoderV1;
    const builtBefore = decoder.seriesBuilt();
    const batch = decoder.decode(raw);
    metrics.seriesCacheEntries.set(decoderV1.cachedSeries() + decoderV2.cachedSeries());
    metrics.seriesCacheMisses.inc(decoder.seriesBuilt() - builtBefore);
    metrics.receivedSamples.inc({ protocol }, batch.sampleCount);
    if (batch.metadata.length > 0) metrics.receivedMetadata.inc({ protocol }, batch.metadata.length);
    if (batch.histogramCount > 0) metrics.receivedHistograms.inc({ protocol }, batch.histogramCount);
    if (batch.exemplarCount > 0) metrics.receivedExemplars.inc({ protocol }, batch.exemplarCount);
    if (batch.sampleStartTimestamps > 0) {
      metrics.sampleStartTimestampsIgnored.inc({ protocol }, batch.sampleStartTimestamps);
    }

    // Each backend gets what it can store; the rest is counted as dropped for it (fan-out.ts).
    const routes = routeWrite(batch, backends, metrics);
    // Remote write 2.0 forbids a 2xx when any piece was not stored (§3.5), and a Prometheus
    // sender drops a 2xx whose headers say nothing was written: histograms or exemplars that no
    // backend can store make the answer a 400 that says so, after the rest is stored.
    // (1.0 keeps 204 and the counters: its senders send exemplars with every batch.)
    const unstorable = protocol === '2.0' ? unstorableMessage(batch, routes) : '';
    if (routes.length === 0) {
      // Nothing any backend stores, e.g. metadata with no metadata-capable backend: it must be
      // answered 2xx or Prometheus logs a non-recoverable error.
      if (unstorable) res.status(400).type('text/plain').send(`${unstorable}\n`);
      else res.status(204).end();
      return;
    }
    const results = await fanOutWrite(routes, deadline, metrics);
    const answer = writeAnswer(results, protocol);
    res.status(answer.status).set(answer.headers);
    if (unstorable && answer.status < 500) {
      res
        .status(400)
        .type('text/plain')
        .send(`${answer.body.trim()}${answer.body ? '; ' : ''}${unstorable}\n`);
    } else if (answer.body) res.type('text/plain').send(answer.body);
    else res.end();
  };
}

function unstorableMessage(batch: WriteBatch, routes: readonly Route[]): string {
  const parts: string[] = [];
  if (batch.histogramCount > 0 && !routes.some((r) => r.batch.histogramCount > 0)) {
    parts.push(`${batch.histogramCount} native histogram sample(s)`);
  }
  if (batch.exemplarCount > 0 && !routes.some((r) => r.batch.exemplarCount > 0)) {
    parts.push(`${batch.exemplarCount} exemplar(s)`);
  }
  if (parts.length === 0) return '';
  return `${parts.join(' and ')} not stored: no configured backend can store them (counted in promgate_samples_dropped_total)`;
}
