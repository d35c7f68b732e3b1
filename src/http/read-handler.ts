// POST /api/v1/read (and the legacy /read): SAMPLES responses, or STREAMED_XOR_CHUNKS when the
// request lists it first (protocols.md §4.3; the streaming writer is in stream-chunks.ts).
//
// STREAMED_XOR_CHUNKS consumes each query's series as the backends produce them (streamQuery),
// one at a time. SAMPLES is one protobuf message, so its series are collected (executeQuery).
//
// web.read_sample_limit caps what must be held in memory at once, samples plus histograms: the
// whole SAMPLES answer over all queries of the request (Prometheus' own
// --storage.remote.read-sample-limit), and in a streamed answer, which is never held whole, the
// result of each backend without sortedRead that is collected before it can be merged. A
// streamed answer's own limit is per frame (web.read_max_bytes_in_frame, like Prometheus'
// --storage.remote.read-max-bytes-in-frame).

import type { Request, Response } from 'express';
import { decodeReadRequest } from '../codec/read-request.js';
import { encodeReadResponse } from '../codec/read-response.js';
import { snappyCompress, snappyDecompress } from '../codec/snappy.js';
import type { WebConfig } from '../config/config.js';
import { RequestError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { SeriesSamples } from '../model.js';
import type { Backend } from '../pipeline/backend.js';
import { executeQuery, pointCount, streamQuery } from '../read/execute-query.js';
import { readBody } from './body.js';
import { checkReadContentType, checkSnappyEncoding } from './content-type.js';
import { streamChunks } from './stream-chunks.js';

const SAMPLES = 0;
const STREAMED_XOR_CHUNKS = 1;

/** The first listed type the server implements; an empty list means SAMPLES. */
function responseType(types: readonly number[]): number {
  if (types.length === 0) return SAMPLES;
  const chosen = types.find((t) => t === SAMPLES || t === STREAMED_XOR_CHUNKS);
  if (chosen === undefined) {
    throw new RequestError(
      400,
      'unsupported_response_type',
      `none of the accepted response types ${JSON.stringify(types)} is supported (SAMPLES, STREAMED_XOR_CHUNKS)`,
    );
  }
  return chosen;
}

export interface ReadHandlerDeps {
  readonly web: WebConfig;
  readonly backends: readonly Backend[];
  readonly metrics: Metrics;
  readonly logger?: Logger;
}

export function createReadHandler(deps: ReadHandlerDeps) {
  const { web, metrics } = deps;
  const readable = deps.backends.filter((b) => b.readable);
  return async (req: Request, res: Response): Promise<void> => {
    checkReadContentType(req.headers['content-type']);
    checkSnappyEncoding(req.headers['content-encoding']);
    const body = await readBody(req, web.max_body_size);
    const request = decodeReadRequest(snappyDecompress(body, web.max_decoded_size));
    const type = responseType(request.acceptedResponseTypes);
    const signal = AbortSignal.timeout(web.read_timeout);
    const countReturned = (s: SeriesSamples): void => {
      metrics.readSeries.inc();
      metrics.readSamples.inc(s.timestamps.length);
      if (s.histograms !== undefined) metrics.readHistograms.inc(s.histograms.length);
    };
    if (type === STREAMED_XOR_CHUNKS) {
      // Made up front (they start reading only when iterated), so every query's matchers are
      // compiled and a bad regex is still a 400 before the first frame.
      const streams = request.queries.map((query) =>
        streamQuery(query, readable, signal, { collectLimit: web.read_sample_limit }),
      );
      const frameBytes = metrics.readFrameBytes;
      await streamChunks(res, request.queries.length, (index) => streams[index]!, {
        signal,
        logger: deps.logger,
        maxFrameBytes: web.read_max_bytes_in_frame,
        onFrame: (bytes) => frameBytes.observe(bytes),
        onSeries: countReturned,
      });
      return;
    }
    let budget = web.read_sample_limit;
    const results: SeriesSamples[][] = [];
    for (const query of request.queries) {
      const series = await executeQuery(query, readable, signal, budget, web.read_sample_limit);
      for (const s of series) budget -= pointCount(s);
      results.push(series);
    }
    for (const series of results) series.forEach(countReturned);
    const payload = snappyCompress(encodeReadResponse(results));
    res
      .status(200)
      .set({ 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' })
      .end(payload);
  };
}
