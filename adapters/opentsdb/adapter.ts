// The adapter instance: lifecycle (start → write/read → close) around one kept-alive HTTP
// client. No module-level state: each instance owns its agent and its mapping cache.

import {
  RetryableError,
  type Adapter,
  type AdapterContext,
  type Health,
  type ReadQuery,
  type SeriesSamples,
  type WriteBatch,
  type WriteOutcome,
} from '../../src/adapter.js';
import { createHttpClient } from './http-client.js';
import type { OpenTsdbOptions } from './options.js';
import type { MappingCache } from './put-chunks.js';
import { readSeries } from './read.js';
import { writeBatch } from './write.js';

const HEALTH_TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** The legacy adapter replaced the URL's path by the endpoint; so do we. */
export function endpointPath(baseUrl: string, endpoint: string): string {
  const url = new URL(baseUrl);
  url.pathname = endpoint;
  url.search = '';
  return url.pathname;
}

export function createOpenTsdbAdapter(options: OpenTsdbOptions, context: AdapterContext): Adapter {
  const log = context.logger.child({ adapter: 'opentsdb' });
  const http = createHttpClient({
    baseUrl: options.url,
    timeoutMs: options.timeout,
    maxSockets: options.max_connections,
    maxResponseBytes: MAX_RESPONSE_BYTES,
  });
  const healthHttp = createHttpClient({
    baseUrl: options.url,
    timeoutMs: Math.min(options.timeout, HEALTH_TIMEOUT_MS),
    maxSockets: 1,
    maxResponseBytes: 1024 * 1024,
  });
  const mapping = {
    placeholderKey: options.placeholder_tag_key,
    placeholderValue: options.placeholder_tag_value,
    maxTags: options.max_tags,
  };
  const cache: MappingCache = new WeakMap();
  const putPath = `${endpointPath(options.url, '/api/put')}?details`;
  const queryPath = endpointPath(options.url, '/api/query');
  const versionPath = endpointPath(options.url, '/api/version');
  let closed = false;
  let started = false;
  const inflight = new Set<Promise<unknown>>();

  const refuse = (what: string, signal: AbortSignal) => {
    if (closed) throw new RetryableError('CLOSED', `OpenTSDB adapter "${context.name}" is closed`);
    if (signal.aborted)
      throw new RetryableError('ABORTED', `OpenTSDB ${what} aborted`, { cause: signal.reason });
  };

  // Any HTTP answer below 500 means the server is there; /api/version is cheap on OpenTSDB.
  const probe = async (signal: AbortSignal): Promise<void> => {
    const answer = await healthHttp.postJson(versionPath, '{}', signal, 'health check');
    if (answer.status >= 500)
      throw new RetryableError('OPENTSDB_UNAVAILABLE', `OpenTSDB answered HTTP ${answer.status}`);
  };

  return {
    capabilities: { read: true, metadata: false, histograms: false, exemplars: false },

    async start(signal) {
      refuse('start', signal);
      await probe(signal);
      if (!started) log.info('OpenTSDB backend reachable', { url: new URL(options.url).origin });
      started = true;
    },

    write(batch: WriteBatch, signal: AbortSignal): Promise<WriteOutcome> {
      try {
        refuse('write', signal);
      } catch (err) {
        return Promise.reject(err);
      }
      const p = writeBatch(
        {
          http,
          putPath,
          mapping,
          cache,
          limits: { maxPoints: options.max_points_per_request, maxBytes: options.max_request_size },
        },
        batch,
        signal,
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p)).catch(() => {});
      return p;
    },

    async *read(query: ReadQuery, signal: AbortSignal): AsyncGenerator<SeriesSamples> {
      refuse('read', signal);
      yield* readSeries(
        {
          http,
          queryPath,
          placeholderKey: options.placeholder_tag_key,
          maxSamples: options.max_samples_per_query,
          checkpoint: () => refuse('read', signal),
        },
        query,
        signal,
      );
    },

    async health(): Promise<Health> {
      if (closed) return { ok: false, message: 'closed' };
      try {
        await probe(new AbortController().signal);
        return { ok: true };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      // Writes already accepted finish (flush), then the kept-alive sockets go.
      await Promise.allSettled([...inflight]);
      http.close();
      healthHttp.close();
    },
  };
}
