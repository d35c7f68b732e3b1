// The adapter instance: lifecycle (start → write/read → close), the driver behind one door
// (`db`) that refuses work after close, tracks in-flight statements for a clean close and
// classifies every driver error. No module-level state: each instance owns its pool and cache.

import {
  RetryableError,
  type Adapter,
  type AdapterContext,
  type Health,
  type ReadQuery,
  type SeriesExemplars,
  type SeriesSamples,
  type WriteBatch,
  type WriteOutcome,
} from '../../src/adapter.js';
import type { SqlDriver, SqlExecutor } from './driver.js';
import { createPgDriver } from './driver-pg.js';
import { createPgliteDriver } from './driver-pglite.js';
import { classifyPgError } from './errors.js';
import { metadataStatement, writeMetadata } from './metadata.js';
import { migrate, quoteIdent } from './migrate.js';
import type { PostgresOptions } from './options.js';
import { readExemplars, readSeries, type ReadContext } from './read.js';
import { createSeriesCache } from './series-cache.js';
import { seriesStatements } from './series-ids.js';
import { insertSamplesStatement, writeBatch } from './write.js';
import { insertExemplarsStatement, insertHistogramsStatement } from './write-native.js';

const HEALTH_TIMEOUT_MS = 5_000;

function aborted(signal: AbortSignal, what: string): RetryableError {
  return new RetryableError('ABORTED', `PostgreSQL ${what} aborted`, { cause: signal.reason });
}

export function createPostgresAdapter(options: PostgresOptions, context: AdapterContext): Adapter {
  const log = context.logger.child({ adapter: 'postgres' });
  const s = quoteIdent(options.schema);
  const cache = createSeriesCache(options.series_cache_size);
  const sql = {
    series: seriesStatements(s),
    samples: insertSamplesStatement(s),
    histograms: insertHistogramsStatement(s),
    exemplars: insertExemplarsStatement(s),
    metadata: metadataStatement(s),
  };
  let driver: SqlDriver | undefined;
  let ready = false;
  let starting: Promise<void> | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  const inflight = new Set<Promise<unknown>>();

  const refuse = (what: string, signal: AbortSignal): SqlDriver => {
    if (closed) throw new RetryableError('CLOSED', `PostgreSQL adapter "${context.name}" is closed`);
    if (signal.aborted) throw aborted(signal, what);
    if (!ready || driver === undefined)
      throw new RetryableError('NOT_STARTED', `PostgreSQL adapter "${context.name}" is not started`);
    return driver;
  };

  // Unclassified failures are treated as retryable but must not pass quietly (style.md §4);
  // at most one line per 10 s so an outage does not flood the log.
  let lastLoudAt = 0;
  const loudIfUnclassified = <E extends Error & { code: string }>(err: E): E => {
    if (err.code === 'PG_UNCLASSIFIED' && Date.now() - lastLoudAt > 10_000) {
      lastLoudAt = Date.now();
      log.error('unclassified PostgreSQL error, treated as retryable', { err: err.message });
    }
    return err;
  };

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    return p;
  };

  /**
   * The one door to the database for a call. A write that started before close() may finish
   * (close waits for it); a read's next page after close() is refused, since a reader that
   * stopped iterating must not hold close() up.
   */
  const door = (what: string, signal: AbortSignal, finishAfterClose: boolean) => {
    const check = (): SqlDriver => {
      if (finishAfterClose && closed && driver !== undefined) {
        if (signal.aborted) throw aborted(signal, what);
        return driver;
      }
      return refuse(what, signal);
    };
    const db: SqlExecutor & { checkpoint(): void } = {
      checkpoint: () => void check(),
      query: (text, params) =>
        track(
          check()
            .query(text, params)
            .catch((err: unknown) => {
              throw loudIfUnclassified(classifyPgError(err, what));
            }),
        ),
    };
    return db;
  };

  const openDriver = async (): Promise<SqlDriver> => {
    if (options.url.startsWith('pglite://')) return createPgliteDriver(options.url);
    return createPgDriver(
      {
        url: options.url,
        maxConnections: options.max_connections,
        connectTimeoutMs: options.connect_timeout,
        statementTimeoutMs: options.statement_timeout,
      },
      log,
    );
  };

  const doStart = async (signal: AbortSignal): Promise<void> => {
    let d: SqlDriver;
    try {
      d = await openDriver();
    } catch (err) {
      throw classifyPgError(err, 'start');
    }
    try {
      if (signal.aborted) throw aborted(signal, 'start');
      const [row] = await d.query(
        `SELECT current_setting('server_encoding'), current_setting('server_version')`,
      );
      const encoding = String(row?.[0]);
      if (encoding !== 'UTF8') {
        throw new RetryableError(
          'PG_SETUP',
          `database encoding is ${encoding}; promgate needs a UTF8 database`,
        );
      }
      const applied = await migrate(d, options.schema, log);
      if (closed)
        throw new RetryableError('CLOSED', `PostgreSQL adapter "${context.name}" closed while starting`);
      driver = d;
      ready = true;
      log.info('PostgreSQL backend ready', {
        driver: d.kind,
        version: String(row?.[1]),
        schema: options.schema,
        migrations_applied: applied.length,
      });
    } catch (err) {
      await d.close().catch(() => {});
      throw classifyPgError(err, 'start');
    }
  };

  const write = async (db: ReturnType<typeof door>, batch: WriteBatch): Promise<WriteOutcome> => {
    try {
      const outcome = await writeBatch(
        {
          db,
          cache,
          seriesSql: sql.series,
          insertSamplesSql: sql.samples,
          insertHistogramsSql: sql.histograms,
          insertExemplarsSql: sql.exemplars,
          chunkSamples: options.write_chunk_samples,
          checkpoint: db.checkpoint,
        },
        batch,
      );
      if (batch.metadata.length > 0) {
        const skipped = await writeMetadata(db, sql.metadata, batch.metadata);
        if (skipped.length > 0) {
          log.warn('metric metadata not storable, skipped', {
            count: skipped.length,
            example: skipped[0]!.slice(0, 200),
          });
        }
      }
      return outcome;
    } catch (err) {
      throw classifyPgError(err, 'write');
    }
  };

  const readContext = (db: ReturnType<typeof door>): ReadContext => ({
    db,
    schema: s,
    chunkSamples: options.read_chunk_samples,
    maxSamples: options.max_samples_per_query,
    maxSeries: options.max_series_per_query,
    checkpoint: db.checkpoint,
  });

  return {
    capabilities: { read: true, metadata: true, histograms: true, exemplars: true, sortedRead: true },

    async start(signal) {
      if (closed) throw new RetryableError('CLOSED', `PostgreSQL adapter "${context.name}" is closed`);
      if (ready) return;
      starting ??= doStart(signal).finally(() => {
        starting = undefined;
      });
      return starting;
    },

    async write(batch: WriteBatch, signal: AbortSignal): Promise<WriteOutcome> {
      refuse('write', signal);
      const db = door('write', signal, true);
      return track(write(db, batch));
    },

    async *read(query: ReadQuery, signal: AbortSignal): AsyncGenerator<SeriesSamples> {
      refuse('read', signal);
      const db = door('read', signal, false);
      try {
        yield* readSeries(readContext(db), query);
      } catch (err) {
        throw classifyPgError(err, 'read');
      }
    },

    async *readExemplars(query: ReadQuery, signal: AbortSignal): AsyncGenerator<SeriesExemplars> {
      refuse('read', signal);
      const db = door('read', signal, false);
      try {
        yield* readExemplars(readContext(db), query);
      } catch (err) {
        throw classifyPgError(err, 'read');
      }
    },

    async health(): Promise<Health> {
      if (closed) return { ok: false, message: 'closed' };
      if (!ready || driver === undefined)
        return { ok: false, message: 'not started (connecting or migrating)' };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)),
          HEALTH_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([driver.query('SELECT 1'), timeout]);
        return { ok: true };
      } catch (err) {
        return { ok: false, message: classifyPgError(err, 'health check').message };
      } finally {
        clearTimeout(timer);
      }
    },

    close() {
      closing ??= (async () => {
        closed = true;
        ready = false;
        await starting?.catch(() => {});
        // Writes already accepted finish (flush); then the pool or PGlite goes away.
        await Promise.allSettled([...inflight]);
        const d = driver;
        driver = undefined;
        if (d !== undefined) {
          try {
            await d.close();
          } catch (err) {
            log.warn('closing the PostgreSQL connection failed', {
              err: err instanceof Error ? err.message : String(err),
            });
          }
        }
      })();
      return closing;
    },
  };
}
