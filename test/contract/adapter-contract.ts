// The contract every adapter's integration test runs against its real backend (style.md
// convention 9): exact values (NaN payloads, stale marker, ±Inf, -0) through write → store →
// read, idempotent resends, retryable errors while the backend is down, refusal after close,
// cancellation, and hostile label values.
//
// Fidelity rule: a sample either comes back bit for bit, or the write outcome counted it as
// rejected — an adapter never loses or alters a value silently. Adapters without read() are
// checked through their write outcomes only.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PermanentError,
  RetryableError,
  makeSeriesRef,
  makeWriteBatch,
  setValueBits,
  sortLabels,
  valueBits,
  type Adapter,
  type Matcher,
  type SeriesSamples,
  type WriteBatch,
  type WriteOutcome,
} from '../../src/adapter.js';
import { sleep } from '../harness/process.js';

export interface ContractBackend {
  /** A fresh adapter, not started yet: the suite calls start() and close(). */
  readonly adapter: Adapter;
  /** Stops the real backend (for the "backend down" case); omit when there is none to stop. */
  stopBackend?(): Promise<void>;
  /** Starts it again after stopBackend(). */
  startBackend?(): Promise<void>;
  /** Removes what create() made (the suite has closed the adapter already). */
  cleanup(): Promise<void>;
}

export interface ContractOptions {
  readonly name: string;
  create(): Promise<ContractBackend>;
  /** Timestamp resolution of the backend in ms (Graphite: 1000); every test timestamp is a multiple. */
  readonly timestampResolutionMs?: number;
  /**
   * Whether create() returns stopBackend/startBackend. An embedded backend (PGlite) has no
   * server to stop, so the "backend down" case is not defined for it rather than skipped.
   */
  readonly stoppable: boolean;
}

// ---- building batches by hand ---------------------------------------------------------------

export interface SeriesSpec {
  readonly labels: Record<string, string>;
  /** [timestamp ms, value bits] pairs; bits keep NaN payloads exact. */
  readonly samples: readonly (readonly [number, bigint])[];
}

export function seriesSamples(spec: SeriesSpec): SeriesSamples {
  const labels = sortLabels(Object.entries(spec.labels).map(([name, value]) => ({ name, value })));
  const timestamps = new Float64Array(spec.samples.length);
  const values = new Float64Array(spec.samples.length);
  spec.samples.forEach(([ts, bits], i) => {
    timestamps[i] = ts;
    setValueBits(values, i, bits);
  });
  return { series: makeSeriesRef(labels), timestamps, values };
}

export function makeBatch(specs: readonly SeriesSpec[]): WriteBatch {
  return makeWriteBatch({ series: specs.map(seriesSamples) });
}

/** Bits of an ordinary number (never call this with NaN). */
export function bitsOf(value: number): bigint {
  const v = new Float64Array([value]);
  return valueBits(v, 0);
}

/** Every special value the model must carry, as bits. */
export const SPECIAL_VALUE_BITS: readonly (readonly [string, bigint])[] = [
  ['zero', 0x0000000000000000n],
  ['negative zero', 0x8000000000000000n],
  ['1.5', 0x3ff8000000000000n],
  ['0.1', 0x3fb999999999999an],
  ['-pi', 0xc00921fb54442d18n],
  ['+Inf', 0x7ff0000000000000n],
  ['-Inf', 0xfff0000000000000n],
  ['JS NaN', 0x7ff8000000000000n],
  ['Go NaN', 0x7ff8000000000001n],
  ['stale marker', 0x7ff0000000000002n],
  ['negative NaN', 0xfff8000000000000n],
  ['signalling NaN', 0x7ff4000000000000n],
  ['NaN all ones', 0xffffffffffffffffn],
  ['NaN max payload', 0x7fffffffffffffffn],
  ['smallest subnormal', 0x0000000000000001n],
  ['largest subnormal', 0x000fffffffffffffn],
  ['smallest normal', 0x0010000000000000n],
  ['largest finite', 0x7fefffffffffffffn],
  ['most negative finite', 0xffefffffffffffffn],
  ['2^53 + 2', 0x4340000000000001n],
];

// ---- reading back ---------------------------------------------------------------------------

export function abortSignal(): AbortSignal {
  return new AbortController().signal;
}

/** All series matching, parts of one series merged, samples sorted by timestamp. */
export async function readAll(
  adapter: Adapter,
  matchers: readonly Matcher[],
  startMs = -(2 ** 53) + 1,
  endMs = 2 ** 53 - 1,
): Promise<Map<string, { labels: SeriesSamples['series']['labels']; samples: [number, bigint][] }>> {
  assert.ok(adapter.read, 'adapter has no read()');
  const out = new Map<string, { labels: SeriesSamples['series']['labels']; samples: [number, bigint][] }>();
  for await (const s of adapter.read({ startMs, endMs, matchers }, abortSignal())) {
    let entry = out.get(s.series.key);
    if (!entry) out.set(s.series.key, (entry = { labels: s.series.labels, samples: [] }));
    for (let i = 0; i < s.timestamps.length; i++)
      entry.samples.push([s.timestamps[i]!, valueBits(s.values, i)]);
    // Samples of one yielded series are sorted (the Adapter contract).
    for (let i = 1; i < s.timestamps.length; i++)
      assert.ok(s.timestamps[i - 1]! < s.timestamps[i]!, 'samples not sorted');
  }
  for (const e of out.values()) e.samples.sort((a, b) => a[0] - b[0]);
  return out;
}

const eq = (name: string, value: string): Matcher => ({ type: 'EQ', name, value });
const rejectedCount = (o: WriteOutcome) =>
  o.rejected.reduce((n, r) => n + ((r.kind ?? 'sample') === 'sample' ? r.count : 0), 0);

function assertAccounted(outcome: WriteOutcome, batch: WriteBatch): void {
  assert.equal(
    outcome.written + rejectedCount(outcome),
    batch.sampleCount,
    'written + rejected = sampleCount',
  );
}

/** Every returned sample equals a written one bit for bit; the missing ones were rejected. */
function assertRoundTrip(written: SeriesSpec, got: [number, bigint][] | undefined, rejected: number): void {
  const want = new Map(written.samples.map(([ts, bits]) => [ts, bits]));
  const returned = got ?? [];
  for (const [ts, bits] of returned) {
    assert.ok(want.has(ts), `unexpected timestamp ${ts}`);
    assert.equal(bits.toString(16), want.get(ts)!.toString(16), `value bits at ${ts}`);
  }
  assert.equal(
    written.samples.length - returned.length,
    rejected,
    'missing samples must be counted as rejected',
  );
}

function isRetryable(err: unknown): boolean {
  return err instanceof RetryableError;
}

// ---- the suite ------------------------------------------------------------------------------

export function runAdapterContract(options: ContractOptions): void {
  const step = options.timestampResolutionMs ?? 1;
  const base = 1_700_000_000_000;
  let n = 0;
  const unique = (what: string) => `contract_${what}_${process.pid}_${Date.now().toString(36)}_${n++}`;

  /** Runs body with a started adapter; closes it and cleans up whatever happens. */
  const withAdapter = async (body: (b: ContractBackend) => Promise<void>) => {
    const backend = await options.create();
    try {
      await backend.adapter.start(abortSignal());
      await body(backend);
    } finally {
      await backend.adapter.close();
      await backend.cleanup();
    }
  };

  describe(`adapter contract: ${options.name}`, () => {
    it('starts and reports healthy', () =>
      withAdapter(async ({ adapter }) => {
        assert.deepEqual(await adapter.health(), { ok: true });
      }));

    it('round-trips every special value bit for bit (NaN payloads, stale marker, ±Inf, -0)', () =>
      withAdapter(async ({ adapter }) => {
        const spec: SeriesSpec = {
          labels: { __name__: unique('values'), job: 'contract' },
          samples: SPECIAL_VALUE_BITS.map(([, bits], i) => [base + i * step * 1000, bits] as const),
        };
        const batch = makeBatch([spec]);
        const outcome = await adapter.write(batch, abortSignal());
        assertAccounted(outcome, batch);
        if (!adapter.read) return;
        const got = await readAll(adapter, [eq('__name__', spec.labels.__name__!)]);
        assert.ok(got.size <= 1);
        assertRoundTrip(spec, [...got.values()][0]?.samples, rejectedCount(outcome));
      }));

    it('keeps timestamps exact, inclusive at both ends of the range, sorted on read', () =>
      withAdapter(async ({ adapter }) => {
        const name = unique('time');
        const stamps = [
          base + 5 * step,
          base,
          base + 3 * step,
          base + 1 * step,
          base + 4 * step,
          base + 2 * step,
        ];
        const spec: SeriesSpec = {
          labels: { __name__: name },
          samples: stamps.map((ts, i) => [ts, bitsOf(i)] as const),
        };
        const batch = makeBatch([spec]);
        assertAccounted(await adapter.write(batch, abortSignal()), batch);
        if (!adapter.read) return;
        const got = await readAll(adapter, [eq('__name__', name)], base + step, base + 4 * step);
        const samples = [...got.values()][0]?.samples ?? [];
        assert.deepEqual(
          samples.map(([ts]) => ts),
          [base + step, base + 2 * step, base + 3 * step, base + 4 * step],
        );
        assert.deepEqual(
          samples.map(([, bits]) => bits),
          [bitsOf(3), bitsOf(5), bitsOf(2), bitsOf(4)],
        );
      }));

    it('treats a resent batch as a no-op, also when both copies arrive at once', () =>
      withAdapter(async ({ adapter }) => {
        const name = unique('resend');
        const specs: SeriesSpec[] = [0, 1, 2].map((k) => ({
          labels: { __name__: name, k: String(k) },
          samples: Array.from(
            { length: 100 },
            (_, i) => [base + i * step * 1000, bitsOf(k * 1000 + i)] as const,
          ),
        }));
        const batch = makeBatch(specs);
        const first = await adapter.write(batch, abortSignal());
        assertAccounted(first, batch);
        assert.deepEqual(await adapter.write(makeBatch(specs), abortSignal()), first);
        const twice = await Promise.all([
          adapter.write(batch, abortSignal()),
          adapter.write(batch, abortSignal()),
        ]);
        for (const o of twice) assert.deepEqual(o, first);
        if (!adapter.read) return;
        const got = await readAll(adapter, [eq('__name__', name)]);
        assert.equal(got.size, 3);
        for (const spec of specs) {
          const key = makeBatch([spec]).series[0]!.series.key;
          assertRoundTrip(spec, got.get(key)?.samples, 0);
        }
      }));

    it('round-trips hostile label values exactly and matches them literally', () =>
      withAdapter(async ({ adapter }) => {
        const name = unique('hostile');
        const hostile = [
          "'; DROP TABLE x; --",
          'x"); DELETE FROM samples; --',
          'it\'s "quoted" `back`',
          'back\\slash \\x00 \\n \\\\',
          '100% of a_b',
          '%',
          '_',
          '$1 $$ ${a}',
          '{a,b} [1] (c) NULL',
          'NULL',
          'line1\nline2\r\n\ttab',
          ' padded ',
          'Grüße 世界 Ωμέγα',
          '😀 𝄞 astral \u{10FFFF}',
          '\u{E000} private use',
          'a.b*c+(d)[e]{f}|g^h?',
          '{"json": [1, "two"]}',
          'x'.repeat(64 * 1024),
        ];
        const specs: SeriesSpec[] = hostile.map((v, i) => ({
          labels: { __name__: name, case: String(i), v },
          samples: [[base, bitsOf(i)]],
        }));
        const batch = makeBatch(specs);
        const outcome = await adapter.write(batch, abortSignal());
        assertAccounted(outcome, batch);
        assert.equal(
          rejectedCount(outcome),
          0,
          `rejected: ${JSON.stringify(outcome.rejected).slice(0, 300)}`,
        );
        if (!adapter.read) return;
        const all = await readAll(adapter, [eq('__name__', name)]);
        assert.equal(all.size, hostile.length);
        for (const [i, spec] of specs.entries()) {
          const want = makeBatch([spec]).series[0]!.series;
          const got = await readAll(adapter, [eq('__name__', name), eq('v', hostile[i]!)]);
          const matching = [...got.values()].filter((e) =>
            e.labels.some((l) => l.name === 'v' && l.value === hostile[i]),
          );
          assert.equal(
            matching.length,
            1,
            `case ${i}: series for value ${JSON.stringify(hostile[i]!.slice(0, 40))}`,
          );
          assert.deepEqual(matching[0]!.labels, want.labels);
          assert.deepEqual(all.get(want.key)?.labels, want.labels);
        }
      }));

    if (options.stoppable)
      it('gives RetryableError while the backend is down, and recovers when it is back', async () => {
        const backend = await options.create();
        try {
          if (!backend.stopBackend || !backend.startBackend) {
            throw new Error(
              `${options.name}: stoppable is set but create() gave no stopBackend/startBackend`,
            );
          }
          const { adapter } = backend;
          await adapter.start(abortSignal());
          const name = unique('down');
          const batch = (i: number) =>
            makeBatch([{ labels: { __name__: name }, samples: [[base + i * step * 1000, bitsOf(i)]] }]);
          await adapter.write(batch(0), abortSignal());
          await backend.stopBackend();
          try {
            await assert.rejects(adapter.write(batch(1), abortSignal()), (err) => {
              assert.ok(isRetryable(err), `expected RetryableError, got ${String(err)}`);
              return true;
            });
            assert.equal((await adapter.health()).ok, false);
          } finally {
            await backend.startBackend();
          }
          // The adapter reconnects by itself; allow it a few seconds.
          let lastError: unknown;
          for (let attempt = 0; attempt < 50; attempt++) {
            try {
              await adapter.write(batch(1), abortSignal());
              lastError = undefined;
              break;
            } catch (err) {
              lastError = err;
              assert.ok(isRetryable(err), `expected RetryableError, got ${String(err)}`);
              await sleep(200);
            }
          }
          assert.equal(lastError, undefined, `write still failing after restart: ${String(lastError)}`);
          assert.equal((await adapter.health()).ok, true);
          if (adapter.read) {
            const got = await readAll(adapter, [eq('__name__', name)]);
            assert.equal([...got.values()][0]?.samples.length, 2);
          }
        } finally {
          await backend.adapter.close();
          await backend.cleanup();
        }
      });

    it('refuses writes and reads after close with RetryableError CLOSED; close is idempotent', () =>
      withAdapter(async ({ adapter }) => {
        const batch = makeBatch([{ labels: { __name__: unique('closed') }, samples: [[base, bitsOf(1)]] }]);
        await adapter.close();
        await adapter.close();
        const closedError = (err: unknown) => {
          assert.ok(err instanceof RetryableError, `expected RetryableError, got ${String(err)}`);
          assert.equal(err.code, 'CLOSED');
          return true;
        };
        await assert.rejects(adapter.write(batch, abortSignal()), closedError);
        if (adapter.read) {
          await assert.rejects(readAll(adapter, [eq('__name__', 'x')]), closedError);
        }
        assert.equal((await adapter.health()).ok, false);
      }));

    it('rejects write and read when the signal is already aborted, storing nothing', () =>
      withAdapter(async ({ adapter }) => {
        const name = unique('aborted');
        const batch = makeBatch([{ labels: { __name__: name }, samples: [[base, bitsOf(1)]] }]);
        const signal = AbortSignal.abort();
        await assert.rejects(adapter.write(batch, signal), (err) => {
          assert.ok(!(err instanceof PermanentError), 'an aborted call must not look like bad data');
          return true;
        });
        if (!adapter.read) return;
        const read = adapter.read;
        await assert.rejects(async () => {
          for await (const _ of read(
            { startMs: 0, endMs: base * 2, matchers: [eq('__name__', name)] },
            signal,
          )) {
            /* must not get here */
          }
        });
        assert.equal((await readAll(adapter, [eq('__name__', name)])).size, 0);
      }));

    it('writes a batch of 20k samples over 200 series and reads it back', () =>
      withAdapter(async ({ adapter }) => {
        const name = unique('bulk');
        const specs: SeriesSpec[] = Array.from({ length: 200 }, (_, k) => ({
          labels: { __name__: name, instance: `host-${k}` },
          samples: Array.from(
            { length: 100 },
            (_, i) => [base + i * step * 1000, bitsOf(k + i / 128)] as const,
          ),
        }));
        const batch = makeBatch(specs);
        const outcome = await adapter.write(batch, abortSignal());
        assert.deepEqual(outcome, { written: 20_000, rejected: [] });
        if (!adapter.read) return;
        const got = await readAll(adapter, [eq('__name__', name)]);
        assert.equal(got.size, 200);
        for (const spec of specs) {
          assertRoundTrip(spec, got.get(makeBatch([spec]).series[0]!.series.key)?.samples, 0);
        }
      }));
  });
}
