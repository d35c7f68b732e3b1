// `transport: udp`, as the legacy adapter offered: one datagram per chunk of whole lines. UDP
// has no delivery feedback at all; the only failure seen is an ICMP "port unreachable" from an
// earlier datagram (ECONNREFUSED on a connected socket), which fails the call retryably.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { abortedError, carbonUnavailable } from './errors.js';
import type { CarbonSender } from './tcp-pool.js';

export function createUdpSender(host: string, port: number): CarbonSender {
  let socket: Socket | undefined;
  let connecting: Promise<Socket> | undefined;
  let closed = false;

  const get = (): Promise<Socket> => {
    if (socket) return Promise.resolve(socket);
    connecting ??= new Promise<Socket>((resolve, reject) => {
      const s = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      s.once('error', reject);
      s.connect(port, host, () => {
        s.removeListener('error', reject);
        // Later async errors (ICMP) surface on the next send's callback; keep the process alive.
        s.on('error', () => {});
        socket = s;
        resolve(s);
      });
    }).finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    async send(chunks, signal) {
      if (closed) throw carbonUnavailable('send', new Error('adapter closed'));
      const s = await get().catch((err: unknown) => {
        throw carbonUnavailable(`UDP connect to ${host}:${port}`, err);
      });
      for (const chunk of chunks) {
        if (signal.aborted) throw abortedError('write', signal.reason);
        await new Promise<void>((resolve, reject) =>
          s.send(chunk, (err) => (err ? reject(carbonUnavailable('UDP send', err)) : resolve())),
        );
      }
    },
    async probe() {
      await get();
    },
    async close() {
      closed = true;
      const s = socket;
      socket = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
