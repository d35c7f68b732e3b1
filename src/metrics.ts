// Self-monitoring (design.md §6). Declared once, on an injected registry so tests get a fresh
// one. Label values are bounded: backend names from the config, reason codes, status codes.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Streamed remote-read frame sizes: powers of 4 up to the default cap (1 MiB), 1.125 MiB to
 * tell frames just over it (the cap counts label and chunk bytes, not the frame's headers) from
 * frames over it because one chunk and the labels are, then up to 50,000,000 bytes, the client's default chunked_read_limit (Prometheus refuses bigger frames).
 */
const FRAME_BYTES_BUCKETS = [
  1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 1_179_648, 4_194_304, 16_777_216, 50_000_000,
];

export function createMetrics(
  registry: Registry = new Registry(),
  options: { defaultMetrics?: boolean } = {},
) {
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    receivedSamples: new Counter({
      name: 'promgate_received_samples_total',
      help: 'Samples received in valid remote-write requests, by protocol version.',
      labelNames: ['protocol'],
      registers,
    }),
    receivedHistograms: new Counter({
      name: 'promgate_received_histograms_total',
      help: 'Native histogram samples received, by protocol version.',
      labelNames: ['protocol'],
      registers,
    }),
    receivedExemplars: new Counter({
      name: 'promgate_received_exemplars_total',
      help: 'Exemplars received, by protocol version.',
      labelNames: ['protocol'],
      registers,
    }),
    receivedMetadata: new Counter({
      name: 'promgate_received_metadata_total',
      help: 'Metric metadata entries received, by protocol version.',
      labelNames: ['protocol'],
      registers,
    }),
    requests: new Counter({
      name: 'promgate_http_requests_total',
      help: 'HTTP requests answered, by handler and status code.',
      labelNames: ['handler', 'code'],
      registers,
    }),
    requestsRejected: new Counter({
      name: 'promgate_http_requests_rejected_total',
      help: 'Requests refused before reaching a backend (bad input, limits, overload), by handler and reason.',
      labelNames: ['handler', 'reason'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'promgate_http_request_duration_seconds',
      help: 'Time from request start to response, by handler.',
      labelNames: ['handler'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    samplesWritten: new Counter({
      name: 'promgate_samples_written_total',
      help: 'Samples a backend confirmed as stored.',
      labelNames: ['backend'],
      registers,
    }),
    sampleStartTimestampsIgnored: new Counter({
      name: 'promgate_sample_start_timestamps_ignored_total',
      help: 'Float samples whose remote write 2.0 start (created) timestamp was not kept: the model has no place for it.',
      labelNames: ['protocol'],
      registers,
    }),
    histogramsWritten: new Counter({
      name: 'promgate_histograms_written_total',
      help: 'Native histogram samples a backend confirmed as stored.',
      labelNames: ['backend'],
      registers,
    }),
    exemplarsWritten: new Counter({
      name: 'promgate_exemplars_written_total',
      help: 'Exemplars a backend confirmed as stored.',
      labelNames: ['backend'],
      registers,
    }),
    samplesDropped: new Counter({
      name: 'promgate_samples_dropped_total',
      help: 'Samples, native histogram samples and exemplars a backend did not store, by reason (unsupported kind, rejected data, shed load, failed write).',
      labelNames: ['backend', 'reason'],
      registers,
    }),
    metadataDropped: new Counter({
      name: 'promgate_metadata_dropped_total',
      help: 'Metadata entries a backend did not store, by reason.',
      labelNames: ['backend', 'reason'],
      registers,
    }),
    backendWriteDuration: new Histogram({
      name: 'promgate_backend_write_duration_seconds',
      help: 'Duration of one adapter write call (one attempt), by backend.',
      labelNames: ['backend'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    backendErrors: new Counter({
      name: 'promgate_backend_errors_total',
      help: 'Failed adapter calls, by backend, operation, error class and code.',
      labelNames: ['backend', 'operation', 'class', 'code'],
      registers,
    }),
    backendRetries: new Counter({
      name: 'promgate_backend_write_retries_total',
      help: 'Write attempts repeated after a retryable error, by backend.',
      labelNames: ['backend'],
      registers,
    }),
    backendInflightSamples: new Gauge({
      name: 'promgate_backend_inflight_samples',
      help: 'Samples accepted for a backend and not yet confirmed (the in-flight budget in use).',
      labelNames: ['backend'],
      registers,
    }),
    backendOverloadScore: new Gauge({
      name: 'promgate_backend_overload_score',
      help: 'How full the backend in-flight budget is, 0..1; above 0.8 writes are shed until it falls below 0.7.',
      labelNames: ['backend'],
      registers,
    }),
    backendShedding: new Gauge({
      name: 'promgate_backend_shedding',
      help: '1 while writes routed to the backend are refused with 503 because it is overloaded.',
      labelNames: ['backend'],
      registers,
    }),
    backendUp: new Gauge({
      name: 'promgate_backend_up',
      help: '1 when the backend started and its last health check passed.',
      labelNames: ['backend'],
      registers,
    }),
    readQueries: new Counter({
      name: 'promgate_read_queries_total',
      help: 'Remote-read queries sent to a backend, by backend and result.',
      labelNames: ['backend', 'result'],
      registers,
    }),
    readSeries: new Counter({
      name: 'promgate_read_series_returned_total',
      help: 'Series returned to remote-read clients after matching and merging.',
      registers,
    }),
    readSamples: new Counter({
      name: 'promgate_read_samples_returned_total',
      help: 'Samples returned to remote-read clients.',
      registers,
    }),
    readHistograms: new Counter({
      name: 'promgate_read_histograms_returned_total',
      help: 'Native histogram samples returned to remote-read clients.',
      registers,
    }),
    readFrameBytes: new Histogram({
      name: 'promgate_read_frame_bytes',
      help: 'Size of each STREAMED_XOR_CHUNKS frame sent, in bytes on the wire (count: frames sent; sum: bytes streamed).',
      buckets: FRAME_BYTES_BUCKETS,
      registers,
    }),
    seriesCacheEntries: new Gauge({
      name: 'promgate_decoder_series_cache_entries',
      help: 'Series held in the remote-write decoder cache.',
      registers,
    }),
    seriesCacheMisses: new Counter({
      name: 'promgate_decoder_series_cache_misses_total',
      help: 'Label sets decoded from scratch; steady growth with a stable set of series means write.series_cache_size is too small.',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
