// The adapter instance: lifecycle (start → write/read → close), one sender per transport, the
// per-series name cache and, with render_url, the graphite-web reader and tag registration.
// No module-level state: two instances never share a connection, cache or registry.

import type {
  Adapter,
  AdapterContext,
  Health,
  ReadQuery,
  SeriesSamples,
  WriteBatch,
  WriteOutcome,
} from '../../src/adapter.js';
import { encodeBatch } from './encode-batch.js';
import { abortedError, closedError, describeError } from './errors.js';
import { createGraphiteWeb } from './graphite-web.js';
import { splitAddress, type GraphiteOptions } from './options.js';
import { PICKLE_FRAME_OVERHEAD, pickleItemSize } from './pickle-frame.js';
import { readSeries } from './read.js';
import { CARBON_MAX_LINE_BYTES, LINE_TAIL_BYTES, createSeriesNamer } from './series-naming.js';
import { createRecentWrites } from './recent-writes.js';
import { createTagRegistry } from './tag-registry.js';
import { createTcpPool, type CarbonSender } from './tcp-pool.js';
import { compileTemplateRules } from './template-rules.js';
import { createUdpSender } from './udp-sender.js';

/** Bytes per socket write on TCP: large enough to be cheap, small enough to interleave. */
const TCP_CHUNK_BYTES = 64 * 1024;

export function createGraphiteAdapter(options: GraphiteOptions, context: AdapterContext): Adapter {
  const log = context.logger.child({ adapter: 'graphite' });
  const { host, port } = splitAddress(options.address);
  const pickle = options.transport === 'pickle';
  const udp = options.transport === 'udp';
  const chunkBytes = pickle ? options.pickle_frame_size : udp ? options.udp_datagram_size : TCP_CHUNK_BYTES;
  const maxPathBytes = pickle
    ? chunkBytes - PICKLE_FRAME_OVERHEAD - pickleItemSize(0)
    : Math.min(CARBON_MAX_LINE_BYTES, chunkBytes) - LINE_TAIL_BYTES;
  // Checked at start-up by the kind's validate(); compiled again here for this instance.
  const templates =
    options.mode === 'path' && options.templates.length > 0
      ? compileTemplateRules(options.templates, options.template_vars, options.prefix, context.name)
      : undefined;
  const name = createSeriesNamer({ mode: options.mode, prefix: options.prefix, maxPathBytes, templates });
  const web =
    options.render_url === undefined
      ? undefined
      : createGraphiteWeb(options.render_url, options.read_timeout);
  const registry =
    web !== undefined && options.mode === 'tags' && options.register_tags
      ? createTagRegistry(web)
      : undefined;

  const recent = createRecentWrites();
  let sender: CarbonSender | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    return p;
  };

  const check = (what: string, signal: AbortSignal): CarbonSender => {
    if (closed) throw closedError(context.name);
    if (signal.aborted) throw abortedError(what, signal.reason);
    if (sender === undefined) throw closedError(context.name);
    return sender;
  };

  const write = async (s: CarbonSender, batch: WriteBatch, signal: AbortSignal): Promise<WriteOutcome> => {
    const encoded = encodeBatch(batch, {
      format: pickle ? 'pickle' : 'plaintext',
      maxChunkBytes: chunkBytes,
      name,
    });
    if (encoded.chunks.length > 0) await s.send(encoded.chunks, signal);
    if (web !== undefined) for (const [n, seconds] of encoded.paths) recent.note(n.canonical, seconds);
    if (registry !== undefined && encoded.paths.size > 0)
      await registry.register(
        [...encoded.paths.keys()].map((n) => n.path),
        signal,
      );
    if (batch.metadata.length > 0) log.debug('metric metadata not stored (Graphite has no place for it)');
    return { written: encoded.written, rejected: encoded.rejected };
  };

  return {
    capabilities: { read: web !== undefined, metadata: false, histograms: false, exemplars: false },

    async start(signal) {
      if (closed) throw closedError(context.name);
      if (signal.aborted) throw abortedError('start', signal.reason);
      sender ??= udp
        ? createUdpSender(host, port)
        : createTcpPool({
            host,
            port,
            maxConnections: options.max_connections,
            connectTimeoutMs: options.connect_timeout,
            writeTimeoutMs: options.write_timeout,
            backoffInitialMs: 100,
            backoffMaxMs: options.reconnect_backoff_max,
          });
      // Fail fast with a clear message when carbon is not there (the core retries start()).
      await sender.probe();
      log.info('Graphite backend ready', {
        address: options.address,
        transport: options.transport,
        mode: options.mode,
        templates: options.templates.length,
        read: web !== undefined,
      });
    },

    async write(batch, signal) {
      const s = check('write', signal);
      return track(write(s, batch, signal));
    },

    ...(web === undefined
      ? {}
      : {
          async *read(query: ReadQuery, signal: AbortSignal): AsyncGenerator<SeriesSamples> {
            check('read', signal);
            const checkpoint = () => void check('read', signal);
            yield* readSeries(
              {
                web,
                mode: options.mode,
                prefix: options.prefix,
                maxLabels: options.path_read_max_labels,
                templates,
                settleMs: options.read_settle,
                recent,
                checkpoint,
              },
              query,
              signal,
            );
          },
        }),

    async health(): Promise<Health> {
      if (closed) return { ok: false, message: 'closed' };
      if (sender === undefined) return { ok: false, message: 'not started' };
      try {
        await sender.probe();
        if (web !== undefined) await web.version(AbortSignal.timeout(5_000));
        return { ok: true };
      } catch (err) {
        return { ok: false, message: describeError(err) };
      }
    },

    close() {
      closing ??= (async () => {
        closed = true;
        await Promise.allSettled([...inflight]);
        await sender?.close();
        sender = undefined;
      })();
      return closing;
    },
  };
}
