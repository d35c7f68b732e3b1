// Persistent, pooled TCP connections to carbon (plaintext or pickle): never a connection per
// batch. A batch borrows one connection, writes every chunk and waits for each write callback
// (the bytes are in the kernel's send buffer: "written and flushed to an open socket"), then
// returns it. A broken connection fails the call retryably; reconnects back off exponentially.

import { connect, type Socket } from 'node:net';
import { abortedError, carbonUnavailable } from './errors.js';

export interface TcpPoolOptions {
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

export interface CarbonSender {
  /** Sends every chunk in order on one connection; resolves once all are flushed to the socket. */
  send(chunks: readonly Buffer[], signal: AbortSignal): Promise<void>;
  /** Resolves when carbon accepts a connection now (health). */
  probe(): Promise<void>;
  close(): Promise<void>;
}

interface Conn {
  readonly socket: Socket;
  alive: boolean;
}

export function createTcpPool(o: TcpPoolOptions): CarbonSender {
  const idle: Conn[] = [];
  const waiters: Array<(c: Conn | undefined) => void> = [];
  const all = new Set<Conn>();
  let backoffMs = 0;
  let retryAt = 0;
  let closed = false;

  const open = (): Promise<Conn> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: o.host, port: o.port });
      const conn: Conn = { socket, alive: false };
      const timer = setTimeout(
        () => socket.destroy(new Error(`no connection within ${o.connectTimeoutMs} ms`)),
        o.connectTimeoutMs,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        conn.alive = true;
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 10_000);
        resolve(conn);
      });
      // Carbon never sends on these ports: 'end' means it closed the connection.
      socket.on('data', () => {});
      socket.on('end', () => socket.destroy());
      socket.on('error', (err) => {
        clearTimeout(timer);
        conn.alive = false;
        reject(err);
      });
      socket.on('close', () => {
        conn.alive = false;
        const at = idle.indexOf(conn);
        if (at >= 0) idle.splice(at, 1);
        // A slot is free: a waiter may open a new connection.
        if (all.delete(conn)) waiters.shift()?.(undefined);
      });
      all.add(conn);
    });

  const acquire = async (signal: AbortSignal): Promise<Conn> => {
    while (true) {
      if (closed) throw carbonUnavailable('connection', new Error('adapter closed'));
      const c = idle.pop();
      if (c !== undefined) {
        if (c.alive && !c.socket.destroyed && c.socket.writable) return c;
        all.delete(c);
        c.socket.destroy();
        continue;
      }
      if (all.size < o.maxConnections) {
        const wait = retryAt - Date.now();
        if (wait > 0) throw carbonUnavailable('reconnect', new Error(`backing off for ${wait} ms`), wait);
        try {
          const conn = await open();
          backoffMs = 0;
          return conn;
        } catch (err) {
          backoffMs = Math.min(o.backoffMaxMs, backoffMs === 0 ? o.backoffInitialMs : backoffMs * 2);
          retryAt = Date.now() + backoffMs;
          throw carbonUnavailable(`connect to ${o.host}:${o.port}`, err, backoffMs);
        }
      }
      const got = await new Promise<Conn | undefined>((resolve) => {
        const onAbort = () => {
          const at = waiters.indexOf(resolve);
          if (at >= 0) waiters.splice(at, 1);
          resolve(undefined);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiters.push((conn) => {
          signal.removeEventListener('abort', onAbort);
          resolve(conn);
        });
      });
      if (signal.aborted) {
        if (got) release(got);
        throw abortedError('write', signal.reason);
      }
      if (got !== undefined) return got;
    }
  };

  const release = (c: Conn) => {
    const waiter = waiters.shift();
    if (waiter) waiter(c.alive ? c : undefined);
    else if (c.alive && !closed) idle.push(c);
    else c.socket.destroy();
  };

  /** Wakes one waiter after a connection died, so it may open a new one. */
  const discard = (c: Conn) => {
    c.alive = false;
    if (all.delete(c)) waiters.shift()?.(undefined);
    c.socket.destroy();
  };

  const writeChunk = (c: Conn, chunk: Buffer, signal: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      let done = false;
      const finish = (err?: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        c.socket.removeListener('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () => finish(abortedError('write', signal.reason));
      const onClose = () => finish(new Error('connection closed by carbon'));
      const timer = setTimeout(
        () => finish(new Error(`write not flushed within ${o.writeTimeoutMs} ms`)),
        o.writeTimeoutMs,
      );
      signal.addEventListener('abort', onAbort, { once: true });
      c.socket.once('close', onClose);
      c.socket.write(chunk, (err) => finish(err ?? undefined));
    });

  return {
    async send(chunks, signal) {
      if (signal.aborted) throw abortedError('write', signal.reason);
      const c = await acquire(signal);
      let sentBytes = 0;
      try {
        for (const chunk of chunks) {
          if (!c.alive) throw new Error('connection closed by carbon');
          await writeChunk(c, chunk, signal);
          sentBytes += chunk.length;
        }
      } catch (err) {
        discard(c);
        if (err instanceof Error && 'class' in err) throw err;
        const total = chunks.reduce((n, b) => n + b.length, 0);
        throw carbonUnavailable(
          `connection broke after ${sentBytes} of ${total} bytes (the whole batch is retryable)`,
          err,
        );
      }
      release(c);
    },
    async probe() {
      const c = await acquire(AbortSignal.timeout(o.connectTimeoutMs));
      release(c);
    },
    async close() {
      closed = true;
      for (const w of waiters.splice(0)) w(undefined);
      // Idle connections have nothing pending; end() lets the kernel deliver what was flushed.
      await Promise.all(
        [...all].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.socket.destroyed) return resolve();
              c.socket.once('close', () => resolve());
              c.socket.end();
              setTimeout(() => c.socket.destroy(), 2_000).unref();
            }),
        ),
      );
      idle.length = 0;
    },
  };
}
