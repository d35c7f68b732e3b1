// POST /api/v1/read (and the legacy /read): SAMPLES responses, or STREAMED_XOR_CHUNKS when the
// request lists it first (protocols.md §4.3; the streaming writer is in stream-chunks.ts).

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
import { executeQuery } from '../read/execute-query.js';
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
    let budget = web.read_sample_limit;
    const run = async (index: number): Promise<SeriesSamples[]> => {
      const series = await executeQuery(request.queries[index]!, readable, signal, budget);
      const samples = series.reduce((n, s) => n + s.timestamps.length, 0);
      budget -= samples;
      metrics.readSeries.inc(series.length);
      metrics.readSamples.inc(samples);
      return series;
    };
    if (type === STREAMED_XOR_CHUNKS) {
      // Each query's result is still collected whole before it is streamed (issue #6 asks for
      // series to flow from the backends one at a time; that is a later step).
      await streamChunks(res, request.queries.length, run, { signal, logger: deps.logger });
      return;
    }
    const results = [];
    for (let q = 0; q < request.queries.length; q++) results.push(await run(q));
    const payload = snappyCompress(encodeReadResponse(results));
    res
      .status(200)
      .set({ 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' })
      .end(payload);
  };
}
