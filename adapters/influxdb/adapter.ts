// The adapter instance: lifecycle (start → write/read → close), one kept-alive HTTP agent, the
// series-line cache, and the writer for the configured API. No module-level state: two
// instances run side by side.

import { readFile } from 'node:fs/promises';
import {
  RetryableError,
  type Adapter,
  type AdapterContext,
  type Health,
  type ReadQuery,
  type SeriesRef,
  type SeriesSamples,
  type WriteBatch,
  type WriteOutcome,
} from '../../src/adapter.js';
import { RejectionTally, encodeBatch, type CachedLine, type EncodedBody } from './encode-batch.js';
import { classifyStatus } from './errors.js';
import { createHttpClient, postQuery, readBody, type HttpClient } from './http-client.js';
import { quoteIdent } from './influxql.js';
import type { InfluxOptions } from './options.js';
import { readSeries } from './read.js';
import { writeV1 } from './write-v1.js';
import { createV2Writer, type V2Writer } from './write-v2.js';

const HEALTH_TIMEOUT_MS = 5_000;

async function secret(
  inline: string | undefined,
  file: string | undefined,
  key: string,
): Promise<string | undefined> {
  if (file === undefined) return inline;
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (err) {
    throw new RetryableError('INFLUX_SETUP', `${key}: cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
      retryAfterMs: 10_000,
    });
  }
}

interface Connection {
  readonly http: HttpClient;
  readonly v2: V2Writer | undefined;
  readonly database: string;
}

export function createInfluxAdapter(options: InfluxOptions, context: AdapterContext): Adapter {
  const log = context.logger.child({ adapter: 'influxdb' });
  // Options without a default are undefined when unset (the declared types say string).
  const opt = <K extends keyof InfluxOptions>(k: K) => options[k] as InfluxOptions[K] | undefined;
  const retentionPolicy = opt('retention_policy');
  const cache = new WeakMap<SeriesRef, CachedLine>();
  let conn: Connection | undefined;
  let starting: Promise<void> | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  const inflight = new Set<Promise<unknown>>();

  const refuse = (what: string, signal: AbortSignal): Connection => {
    if (closed) throw new RetryableError('CLOSED', `InfluxDB adapter "${context.name}" is closed`);
    if (signal.aborted)
      throw new RetryableError('ABORTED', `InfluxDB ${what} aborted`, { cause: signal.reason });
    if (conn === undefined)
      throw new RetryableError('NOT_STARTED', `InfluxDB adapter "${context.name}" is not started`);
    return conn;
  };
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    return p;
  };

  const ping = async (http: HttpClient, signal: AbortSignal): Promise<void> => {
    const res = await http.send({ method: 'GET', path: '/ping' }, signal, 'ping');
    const status = res.statusCode ?? 0;
    const body = await readBody(res);
    if (status < 200 || status > 299) throw classifyStatus(status, body, res.headers['retry-after'], 'ping');
  };

  const doStart = async (signal: AbortSignal): Promise<void> => {
    const password = await secret(opt('password'), opt('password_file'), 'password_file');
    const token = await secret(opt('token'), opt('token_file'), 'token_file');
    const headers: Record<string, string> = { 'User-Agent': 'promgate' };
    const username = opt('username');
    if (options.api === 'v2' && token !== undefined) headers.Authorization = `Token ${token}`;
    else if (username !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    }
    const http = createHttpClient(options.url, {
      maxSockets: options.max_connections,
      timeoutMs: options.timeout,
      headers,
    });
    try {
      await ping(http, signal);
      const database = opt('database') ?? (options.api === 'v2' ? opt('bucket')! : 'prometheus');
      if (options.api === 'v1' && options.create_database) {
        const params = new URLSearchParams({ q: `CREATE DATABASE ${quoteIdent(database)}` });
        const res = await postQuery(http, params, signal, 'CREATE DATABASE');
        const text = await readBody(res);
        if (res.statusCode !== 200 || /"error"/.test(text)) {
          throw classifyStatus(
            res.statusCode === 200 ? 500 : (res.statusCode ?? 0),
            text,
            undefined,
            'CREATE DATABASE',
          );
        }
      }
      const v2 =
        options.api === 'v2'
          ? createV2Writer({
              url: options.url,
              token,
              org: opt('org')!,
              bucket: opt('bucket')!,
              timeoutMs: options.timeout,
              maxSockets: options.max_connections,
              gzip: options.gzip,
            })
          : undefined;
      if (closed) {
        v2?.close();
        throw new RetryableError('CLOSED', `InfluxDB adapter "${context.name}" closed while starting`);
      }
      conn = { http, v2, database };
      log.info('InfluxDB backend ready', { api: options.api, database });
    } catch (err) {
      http.close();
      throw err;
    }
  };

  const sendAll = async (
    c: Connection,
    bodies: EncodedBody[],
    tally: RejectionTally,
    signal: AbortSignal,
  ) => {
    let next = 0;
    let written = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        if (signal.aborted)
          throw new RetryableError('ABORTED', 'InfluxDB write aborted', { cause: signal.reason });
        // Await first: `written += await …` would read `written` before the await (a lost update).
        const n = c.v2
          ? await c.v2.write(body, signal)
          : await writeV1(
              { http: c.http, database: c.database, retentionPolicy, gzip: options.gzip },
              body,
              tally,
              signal,
            );
        written += n;
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.write_concurrency, bodies.length) }, worker));
    return written;
  };

  return {
    capabilities: { read: true, metadata: false, histograms: false, exemplars: false },

    async start(signal) {
      if (closed) throw new RetryableError('CLOSED', `InfluxDB adapter "${context.name}" is closed`);
      if (conn !== undefined) return;
      starting ??= doStart(signal).finally(() => {
        starting = undefined;
      });
      return starting;
    },

    write(batch: WriteBatch, signal: AbortSignal): Promise<WriteOutcome> {
      try {
        const c = refuse('write', signal);
        const tally = new RejectionTally();
        const bodies = encodeBatch(
          batch,
          {
            cache,
            specialValues: options.special_values,
            maxPoints: options.batch_max_points,
            maxBytes: options.batch_max_bytes,
          },
          tally,
        );
        return track(
          sendAll(c, bodies, tally, signal).then((written) => ({ written, rejected: tally.list() })),
        );
      } catch (err) {
        return Promise.reject(err);
      }
    },

    async *read(query: ReadQuery, signal: AbortSignal): AsyncGenerator<SeriesSamples> {
      const c = refuse('read', signal);
      yield* readSeries(
        {
          http: c.http,
          database: c.database,
          retentionPolicy,
          chunkSize: options.read_chunk_size,
          maxSamples: options.max_samples_per_query,
        },
        query,
        signal,
      );
    },

    async health(): Promise<Health> {
      if (closed) return { ok: false, message: 'closed' };
      const c = conn;
      if (c === undefined) return { ok: false, message: 'not started (InfluxDB not reached yet)' };
      try {
        await ping(c.http, AbortSignal.timeout(HEALTH_TIMEOUT_MS));
        return { ok: true };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    },

    close() {
      closing ??= (async () => {
        closed = true;
        await starting?.catch(() => {});
        await Promise.allSettled([...inflight]);
        const c = conn;
        conn = undefined;
        c?.v2?.close();
        c?.http.close();
      })();
      return closing;
    },
  };
}
