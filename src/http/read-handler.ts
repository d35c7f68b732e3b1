// POST /api/v1/read (and the legacy /read): SAMPLES responses (protocols.md §4).

import type { Request, Response } from 'express';
import { decodeReadRequest } from '../codec/read-request.js';
import { encodeReadResponse } from '../codec/read-response.js';
import { snappyCompress, snappyDecompress } from '../codec/snappy.js';
import type { WebConfig } from '../config/config.js';
import { RequestError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { Backend } from '../pipeline/backend.js';
import { executeQuery } from '../read/execute-query.js';
import { readBody } from './body.js';
import { checkReadContentType, checkSnappyEncoding } from './content-type.js';

const SAMPLES = 0;

export interface ReadHandlerDeps {
  readonly web: WebConfig;
  readonly backends: readonly Backend[];
  readonly metrics: Metrics;
}

export function createReadHandler(deps: ReadHandlerDeps) {
  const { web, metrics } = deps;
  const readable = deps.backends.filter((b) => b.readable);
  return async (req: Request, res: Response): Promise<void> => {
    checkReadContentType(req.headers['content-type']);
    checkSnappyEncoding(req.headers['content-encoding']);
    const body = await readBody(req, web.max_body_size);
    const request = decodeReadRequest(snappyDecompress(body, web.max_decoded_size));
    // The server takes the first listed type it implements; an empty list means SAMPLES.
    const types = request.acceptedResponseTypes;
    if (types.length > 0 && !types.includes(SAMPLES)) {
      throw new RequestError(
        400,
        'unsupported_response_type',
        `none of the accepted response types ${JSON.stringify(types)} is supported (SAMPLES only)`,
      );
    }
    const signal = AbortSignal.timeout(web.read_timeout);
    let budget = web.read_sample_limit;
    const results = [];
    for (const query of request.queries) {
      const series = await executeQuery(query, readable, signal, budget);
      for (const s of series) budget -= s.timestamps.length;
      metrics.readSeries.inc(series.length);
      metrics.readSamples.inc(series.reduce((n, s) => n + s.timestamps.length, 0));
      results.push(series);
    }
    const payload = snappyCompress(encodeReadResponse(results));
    res
      .status(200)
      .set({ 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' })
      .end(payload);
  };
}
