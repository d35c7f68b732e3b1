// MOCK backend, for what no real server can show: a backend that hangs, one that fails on
// command, one whose latency is under the test's control. Never used to claim a real
// backend works.

import {
  RetryableError,
  type Adapter,
  type AdapterKind,
  type WriteBatch,
  type WriteOutcome,
} from '../../src/adapter.js';

export interface MockBehaviour {
  /** What the next write calls do; checked at each call. */
  mode: 'ok' | 'hang' | 'retryable' | 'reject-half';
  /** Extra latency of each write, ms. */
  delayMs: number;
  writes: WriteBatch[];
  calls: number;
  /** Declared capabilities (default none): a capable mock reports all it was given as stored. */
  histograms?: boolean;
  exemplars?: boolean;
}

export function createMockAdapter(behaviour: MockBehaviour): Adapter {
  return {
    capabilities: {
      read: false,
      metadata: false,
      histograms: behaviour.histograms === true,
      exemplars: behaviour.exemplars === true,
    },
    async start() {},
    async write(batch, signal): Promise<WriteOutcome> {
      behaviour.calls++;
      if (behaviour.delayMs > 0 || behaviour.mode === 'hang') {
        await new Promise<void>((resolve, reject) => {
          const timer = behaviour.mode === 'hang' ? undefined : setTimeout(resolve, behaviour.delayMs);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new RetryableError('TIMEOUT', 'mock backend hung until the deadline'));
          });
        });
      }
      if (behaviour.mode === 'retryable')
        throw new RetryableError('MOCK_DOWN', 'mock backend is down', { retryAfterMs: 3000 });
      behaviour.writes.push(batch);
      if (behaviour.mode === 'reject-half') {
        const half = Math.floor(batch.sampleCount / 2);
        return {
          written: batch.sampleCount - half,
          rejected: [{ reason: 'mock_reason', count: half, example: 'mock example' }],
          writtenHistograms: batch.histogramCount,
          writtenExemplars: batch.exemplarCount,
        };
      }
      return {
        written: batch.sampleCount,
        rejected: [],
        writtenHistograms: batch.histogramCount,
        writtenExemplars: batch.exemplarCount,
      };
    },
    async health() {
      return { ok: true };
    },
    async close() {},
  };
}

export function mockBehaviour(): MockBehaviour {
  return { mode: 'ok', delayMs: 0, writes: [], calls: 0 };
}

/** An adapter kind wrapping one behaviour object, for test gateways. */
export function mockAdapterKind(behaviour: MockBehaviour): AdapterKind {
  return { type: 'mock', options: {}, create: () => createMockAdapter(behaviour) };
}
