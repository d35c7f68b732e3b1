// Writes a STREAMED_XOR_CHUNKS answer (protocols.md §4.4): the status and headers go out with
// the first frame, then one series at a time, waiting for 'drain' whenever the socket's buffer
// is full. Before the first byte a failure is still a status code (the caller's error handler);
// after it the response must never end normally, since a clean EOF means "complete" to the
// client (trap 21): the socket is destroyed and the reason logged.
//
// Series are consumed one at a time from whatever produces them (streamQuery in
// src/read/execute-query.ts), so memory is bounded by the largest series, not the answer.

import type { ServerResponse } from 'node:http';
import { seriesFrames, DEFAULT_FRAME_BYTES } from '../codec/chunked-read-response.js';
import { seriesChunks } from '../codec/series-chunks.js';
import { RetryableError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SeriesSamples } from '../model.js';

/** Exact Content-Type; Prometheus' client matches it by byte prefix (note the space). */
export const STREAMED_CONTENT_TYPE = 'application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse';

export interface ChunkStreamOptions {
  /** Deadline of the whole read; also stops a wait for 'drain'. */
  readonly signal: AbortSignal;
  readonly logger?: Logger;
  /** Label and chunk bytes per frame before a series continues in the next one. */
  readonly maxFrameBytes?: number;
  /** Told the size of each frame (bytes on the wire, header included) once it is written. */
  readonly onFrame?: (bytes: number) => void;
  /** Told of each series once all its frames are written. */
  readonly onSeries?: (series: SeriesSamples) => void;
}

/** The series of one query, in the order they are to be sent. */
export type SeriesSource = Iterable<SeriesSamples> | AsyncIterable<SeriesSamples>;

/** The frames of one series of query `queryIndex`. */
function framesOf(s: SeriesSamples, queryIndex: number, maxFrameBytes: number): Iterable<Buffer> {
  return seriesFrames(s.series.labels, seriesChunks(s), queryIndex, maxFrameBytes);
}

function deadlinePassed(): RetryableError {
  return new RetryableError('READ_TIMEOUT', 'remote read took longer than web.read_timeout');
}

/** Resolves on 'drain'; rejects when the client goes away or the deadline passes. */
function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: unknown): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onDrain = (): void => settle();
    const onClose = (): void => settle(new Error('client closed the connection'));
    const onAbort = (): void => settle(deadlinePassed());
    if (signal.aborted) return settle(deadlinePassed());
    res.once('drain', onDrain);
    res.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Streams the series of each query, in query order. `runQuery` answers one query, as a stream
 * or a list; it is asked for query i+1 only once query i is sent. Its errors before the first
 * frame propagate unchanged, so the caller can still send a status code. A stream is read one
 * series at a time and closed (return()) if the writer stops early.
 */
export async function streamChunks(
  res: ServerResponse,
  queryCount: number,
  runQuery: (index: number) => SeriesSource | Promise<SeriesSource>,
  options: ChunkStreamOptions,
): Promise<void> {
  const { signal } = options;
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_FRAME_BYTES;
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    // Node's own API, so nothing appends a charset; no Content-Encoding: frames are not snappy.
    res.statusCode = 200;
    res.setHeader('Content-Type', STREAMED_CONTENT_TYPE);
  };
  try {
    for (let q = 0; q < queryCount; q++) {
      const series = await runQuery(q);
      for await (const s of series) {
        for (const frame of framesOf(s, q, maxFrameBytes)) {
          if (res.destroyed) throw new Error('client closed the connection');
          if (signal.aborted) throw deadlinePassed();
          start();
          const flowing = res.write(frame);
          options.onFrame?.(frame.length);
          if (!flowing) await drained(res, signal);
        }
        options.onSeries?.(s);
      }
    }
  } catch (err) {
    if (started) {
      options.logger?.warn('remote read stream cut after the first byte', {
        err: err instanceof Error ? err.message : String(err),
      });
      res.destroy();
    }
    throw err;
  }
  start();
  res.end();
}
