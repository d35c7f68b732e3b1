// MOCK read backends for the read-path tests (not a test file): an in-memory adapter that yields
// the series it is given, in the order given, wrapped in the real Backend (src/pipeline/backend.ts)
// so errors, metrics and signals go through the production wrapper. It can claim sortedRead,
// fail on command and record how far it was read and whether it was stopped. Never used to
// claim a real backend works.

import type { Adapter, AdapterKind } from '../../src/adapter.js';
import type { BackendConfig } from '../../src/config/config.js';
import { RetryableError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import {
  makeSeriesRef,
  RESET_HINT,
  setValueBits,
  sortLabels,
  type FloatHistogram,
  type IntHistogram,
  type NativeHistogram,
  type SeriesSamples,
} from '../../src/model.js';
import { createBackend, type Backend } from '../../src/pipeline/backend.js';

export interface MockReadBehaviour {
  /** Series yielded by read(), in this order (the query is ignored: the core must filter). */
  series: SeriesSamples[];
  sortedRead: boolean;
  /** Throw this after yielding that many series (0: before the first). */
  failAfter?: { count: number; error: Error };
  /** Wait this long before each series (lets the test watch the interleaving). */
  delayMs?: number;
  /** Series handed out so far. */
  yielded: number;
  /** Set when the signal passed to read() aborted. */
  aborted: boolean;
  /** Set when read()'s iteration ended (finished, failed or closed early). */
  finished: boolean;
}

export function mockReadBehaviour(
  series: SeriesSamples[],
  options: Partial<Pick<MockReadBehaviour, 'sortedRead' | 'failAfter' | 'delayMs'>> = {},
): MockReadBehaviour {
  return { series, sortedRead: false, yielded: 0, aborted: false, finished: false, ...options };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new RetryableError('ABORTED', 'mock read aborted'));
      },
      { once: true },
    );
  });
}

export function createMockReadAdapter(b: MockReadBehaviour): Adapter {
  return {
    capabilities: {
      read: true,
      metadata: false,
      histograms: true,
      exemplars: false,
      sortedRead: b.sortedRead,
    },
    async start() {},
    async write(batch) {
      return { written: batch.sampleCount, rejected: [] };
    },
    async *read(_query, signal) {
      signal.addEventListener('abort', () => (b.aborted = true), { once: true });
      try {
        for (let i = 0; i < b.series.length; i++) {
          if (b.failAfter !== undefined && i === b.failAfter.count) throw b.failAfter.error;
          if (b.delayMs !== undefined) await sleep(b.delayMs, signal);
          if (signal.aborted) throw new RetryableError('ABORTED', 'mock read aborted');
          b.yielded++;
          yield b.series[i]!;
        }
        if (b.failAfter !== undefined && b.failAfter.count >= b.series.length) throw b.failAfter.error;
      } finally {
        b.finished = true;
      }
    },
    async health() {
      return { ok: true };
    },
    async close() {},
  };
}

/** A mock adapter kind whose backends read from behaviours[name] (for test gateways). */
export function mockReadKind(behaviours: Record<string, MockReadBehaviour>): AdapterKind {
  return {
    type: 'mock-read',
    options: {},
    create: (_options, context) => {
      const b = behaviours[context.name];
      if (b === undefined) throw new Error(`no mock read behaviour for backend ${context.name}`);
      return createMockReadAdapter(b);
    },
  };
}

/** A started, readable Backend around the mock adapter. */
export async function mockReadBackend(
  name: string,
  behaviour: MockReadBehaviour,
  metrics: Metrics = createMetrics(undefined, { defaultMetrics: false }),
): Promise<Backend> {
  const kind = mockReadKind({ [name]: behaviour });
  const config: BackendConfig = {
    name,
    type: kind.type,
    read: true,
    max_inflight_samples: 1_000_000,
    max_concurrency: 4,
    kind,
    options: {},
  };
  const backend = createBackend(config, createMockReadAdapter(behaviour), metrics, silentLogger);
  backend.start();
  await backend.ready();
  return backend;
}

// ---- building series -------------------------------------------------------------------------

export const STALE = 0x7ff0000000000002n;
export const GO_NAN = 0x7ff8000000000001n;

/** A series with float samples given as [timestamp, value bits], and optional histograms. */
export function series(
  labels: Record<string, string>,
  samples: Array<[number, bigint]> = [],
  histograms?: NativeHistogram[],
): SeriesSamples {
  const ref = makeSeriesRef(sortLabels(Object.entries(labels).map(([name, value]) => ({ name, value }))));
  const timestamps = new Float64Array(samples.map(([t]) => t));
  const values = new Float64Array(samples.length);
  samples.forEach(([, bits], i) => setValueBits(values, i, bits));
  return histograms === undefined
    ? { series: ref, timestamps, values }
    : { series: ref, timestamps, values, histograms };
}

function doubles(bits: bigint[]): Float64Array {
  const out = new Float64Array(bits.length);
  new BigUint64Array(out.buffer).set(bits);
  return out;
}

/** An integer histogram at t; `tag` goes into the count so tests can tell copies apart. */
export function intHistogram(t: number, tag = 1n, sumBits = 0x4059000000000000n): IntHistogram {
  return {
    kind: 'int',
    timestampMs: t,
    startTimestampMs: 0,
    schema: 3,
    resetHint: RESET_HINT.NO,
    sumBits,
    zeroThresholdBits: 0x3f50624dd2f1a9fcn,
    negativeSpans: [{ offset: -2, length: 1 }],
    positiveSpans: [
      { offset: 0, length: 2 },
      { offset: 3, length: 1 },
    ],
    customValues: new Float64Array(0),
    count: 10n * tag,
    zeroCount: 1n,
    negativeDeltas: new BigInt64Array([2n]),
    positiveDeltas: new BigInt64Array([3n, -1n, 4n]),
  };
}

/** A float histogram at t with custom buckets and NaN payloads in its bits. */
export function floatHistogram(t: number, sumBits = STALE): FloatHistogram {
  return {
    kind: 'float',
    timestampMs: t,
    startTimestampMs: 0,
    schema: -53,
    resetHint: RESET_HINT.GAUGE,
    sumBits,
    zeroThresholdBits: 0n,
    negativeSpans: [],
    positiveSpans: [{ offset: 0, length: 3 }],
    customValues: doubles([0x3ff0000000000000n, 0x4000000000000000n, 0x4010000000000000n]),
    countBits: 0x4024000000000000n,
    zeroCountBits: 0n,
    negativeCounts: new Float64Array(0),
    positiveCounts: doubles([GO_NAN, 0x8000000000000000n, 0x4010000000000000n]),
  };
}
