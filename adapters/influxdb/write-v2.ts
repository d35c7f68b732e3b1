// `api: v2`: the official @influxdata/influxdb-client write API (POST /api/v2/write with org,
// bucket and token), which serves InfluxDB 2.x, Cloud, 3.x and 1.8+. The client's own batching,
// timers and retry buffer are switched off: promgate already batches, and retrying belongs to the
// gateway pipeline, which must know whether a write is stored before it answers Prometheus.

import http from 'node:http';
import https from 'node:https';
import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import { RetryableError } from '../../src/adapter.js';
import type { EncodedBody } from './encode-batch.js';
import { classifyNetworkError, classifyStatus } from './errors.js';

export interface V2Writer {
  write(body: EncodedBody, signal: AbortSignal): Promise<number>;
  close(): void;
}

export function createV2Writer(options: {
  url: string;
  token: string | undefined;
  org: string;
  bucket: string;
  timeoutMs: number;
  maxSockets: number;
  gzip: boolean;
}): V2Writer {
  const secure = options.url.startsWith('https:');
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: options.maxSockets })
    : new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const client = new InfluxDB({
    url: options.url,
    token: options.token,
    timeout: options.timeoutMs,
    transportOptions: { agent },
  });
  return {
    async write(body, signal) {
      if (signal.aborted)
        throw new RetryableError('ABORTED', 'InfluxDB write aborted', { cause: signal.reason });
      const api = client.getWriteApi(options.org, options.bucket, 'ms', {
        batchSize: body.points + 1,
        maxBatchBytes: Number.MAX_SAFE_INTEGER,
        flushInterval: 0,
        maxRetries: 0,
        gzipThreshold: options.gzip ? 0 : Number.MAX_SAFE_INTEGER,
        // Returning a rejection hands the error to us and keeps the client from logging it.
        writeFailed: (error: Error) => Promise.reject(error),
      });
      // One record of many lines: the client joins records with "\n" and sends them as is.
      api.writeRecord(body.text.endsWith('\n') ? body.text.slice(0, -1) : body.text);
      try {
        await api.close();
        return body.points;
      } catch (err) {
        if (err instanceof HttpError) {
          throw classifyStatus(
            err.statusCode,
            err.body ?? err.message,
            err.headers?.['retry-after'],
            'write',
          );
        }
        throw classifyNetworkError(err, 'write', signal);
      }
    },
    close() {
      agent.destroy();
    },
  };
}
