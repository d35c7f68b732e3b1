// The real Prometheus (Debian's 2.42) as the remote-write sender of native histograms and
// exemplars: the test writes them into Prometheus through its own remote-write receiver, and
// Prometheus forwards them from its WAL to promgate (send_native_histograms, send_exemplars),
// which stores them in PGlite. What promgate stored must be what the test wrote, bit for bit.
// 2.42 ingests only integer histograms through its receiver; float histograms are covered by
// the codec and PostgreSQL tests.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHistogram } from '../../src/codec/histogram-proto.js';
import { snappyCompress } from '../../src/codec/snappy.js';
import type { RunningGateway } from '../../src/gateway.js';
import type { Exemplar, IntHistogram, NativeHistogram, SeriesExemplars } from '../../src/model.js';
import { sleep } from '../harness/process.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import { bitsOf, ProtoWriter } from '../support/encode-write.js';
import { metricValue, post, startTestGateway } from '../support/gateway.js';

// Prometheus forwards only samples and histograms stamped after its remote-write queue started
// (its WAL watcher skips older ones), so the data starts just after start-up, in the future.
let T0 = 0;
const HISTOGRAMS = 30;
const EXEMPLARS = 10;

function histogram(i: number): IntHistogram {
  // One bucket layout throughout (so Prometheus keeps one chunk), changing counts, a zero bucket,
  // negative buckets with a gap.
  return {
    kind: 'int',
    timestampMs: T0 + i * 2000,
    startTimestampMs: 0,
    schema: 2,
    resetHint: 0,
    sumBits: bitsOf(10.5 * i + 0.25),
    zeroThresholdBits: bitsOf(2 ** -128),
    count: BigInt(6 * i + 6),
    zeroCount: BigInt(i),
    negativeSpans: [
      { offset: -3, length: 1 },
      { offset: 2, length: 1 },
    ],
    negativeDeltas: BigInt64Array.from([1n, BigInt(i)]),
    positiveSpans: [
      { offset: 0, length: 2 },
      { offset: 1, length: 1 },
    ],
    positiveDeltas: BigInt64Array.from([BigInt(i + 1), -1n, 3n]),
    customValues: new Float64Array(0),
  };
}

function exemplar(i: number): Exemplar {
  return {
    labels: [{ name: 'trace_id', value: `trace-${i}-ü` }],
    timestampMs: T0 + i * 5000,
    valueBits: bitsOf(0.125 * (i + 1)),
  };
}

const label = (w: ProtoWriter, name: string, value: string): void => {
  w.message(1, (l) => l.string(1, name).string(2, value));
};

/** A remote write 1.0 body: one histogram series, one float series with exemplars. */
function body(): Buffer {
  const w = new ProtoWriter();
  w.message(1, (ts) => {
    label(ts, '__name__', 'e2e_latency_seconds');
    label(ts, 'job', 'hist');
    for (let i = 0; i < HISTOGRAMS; i++) ts.bytes(4, encodeHistogram(histogram(i)));
  });
  w.message(1, (ts) => {
    label(ts, '__name__', 'e2e_requests_total');
    label(ts, 'job', 'hist');
    for (let i = 0; i < EXEMPLARS; i++) {
      ts.message(2, (s) =>
        s
          .key(1, 1)
          .fixed64(bitsOf(i + 1))
          .key(2, 0)
          .varint(T0 + i * 5000),
      );
      const e = exemplar(i);
      ts.message(3, (m) => {
        for (const l of e.labels) label(m, l.name, l.value);
        m.key(2, 1).fixed64(e.valueBits).key(3, 0).varint(e.timestampMs);
      });
    }
  });
  return snappyCompress(w.finish());
}

/** Every field that must survive, exactly (bits and 64-bit integers as strings). */
function fields(h: NativeHistogram): Record<string, unknown> {
  assert.ok(h.kind === 'int');
  return {
    t: h.timestampMs,
    schema: h.schema,
    sum: h.sumBits.toString(16),
    zt: h.zeroThresholdBits.toString(16),
    count: String(h.count),
    zero: String(h.zeroCount),
    neg: [h.negativeSpans, [...h.negativeDeltas].map(String)],
    pos: [h.positiveSpans, [...h.positiveDeltas].map(String)],
  };
}

let gw: RunningGateway;
let prom: RunningPrometheus;

before(async () => {
  gw = await startTestGateway();
  prom = await startPrometheus({
    extraFlags: ['--web.enable-remote-write-receiver', '--enable-feature=native-histograms,exemplar-storage'],
    remoteWrite: [
      { url: `${gw.url}/api/v1/write`, settings: { send_native_histograms: true, send_exemplars: true } },
    ],
  });
});

after(async () => {
  // Prometheus first: its shutdown waits on a remote-write endpoint that has gone away.
  await prom?.stop();
  await gw?.close();
});

test('native histograms and exemplars sent by the real Prometheus are stored bit for bit', async () => {
  T0 = Math.floor(Date.now() / 1000) * 1000 + 5000;
  const res = await post(`${prom.url}/api/v1/write`, body());
  assert.equal(res.status, 204, `Prometheus' receiver refused the test data: ${res.text}`);

  const deadline = Date.now() + 30_000;
  let stored = { histograms: 0, exemplars: 0 };
  while (Date.now() < deadline) {
    stored = {
      histograms: await metricValue(gw, 'promgate_histograms_written_total'),
      exemplars: await metricValue(gw, 'promgate_exemplars_written_total'),
    };
    if (stored.histograms >= HISTOGRAMS && stored.exemplars >= EXEMPLARS) break;
    await sleep(250);
  }
  const received = {
    samples: await metricValue(gw, 'promgate_received_samples_total'),
    histograms: await metricValue(gw, 'promgate_received_histograms_total'),
    exemplars: await metricValue(gw, 'promgate_received_exemplars_total'),
  };
  assert.deepEqual(
    stored,
    { histograms: HISTOGRAMS, exemplars: EXEMPLARS },
    `received ${JSON.stringify(received)}; Prometheus said: ${prom.output().slice(-1500)}`,
  );
  assert.equal(await metricValue(gw, 'promgate_received_histograms_total', { protocol: '1.0' }), HISTOGRAMS);

  const adapter = gw.backends[0]!.adapter;
  const query = {
    startMs: T0 - 1,
    endMs: T0 + 3_600_000,
    matchers: [{ type: 'EQ' as const, name: 'job', value: 'hist' }],
  };
  const read: NativeHistogram[] = [];
  for await (const s of adapter.read!(query, AbortSignal.timeout(30_000))) {
    if (s.series.metricName === 'e2e_latency_seconds') read.push(...(s.histograms ?? []));
  }
  assert.deepEqual(
    read.map(fields),
    Array.from({ length: HISTOGRAMS }, (_, i) => fields(histogram(i))),
  );
  // Prometheus 2.42 does not carry the reset hint through its receiver and WAL: it sends UNKNOWN
  // (0) for what it did not detect itself. Whatever it sent is stored as sent.
  for (const h of read) assert.ok([0, 1, 2].includes(h.resetHint), `reset hint ${h.resetHint}`);

  const exemplars: SeriesExemplars[] = [];
  for await (const e of adapter.readExemplars!(query, AbortSignal.timeout(30_000))) exemplars.push(e);
  assert.deepEqual(
    exemplars.map((s) => [
      s.series.metricName,
      s.exemplars.map((e) => [e.labels, e.timestampMs, e.valueBits]),
    ]),
    [
      [
        'e2e_requests_total',
        Array.from({ length: EXEMPLARS }, (_, i) => {
          const e = exemplar(i);
          return [e.labels, e.timestampMs, e.valueBits];
        }),
      ],
    ],
  );
});
