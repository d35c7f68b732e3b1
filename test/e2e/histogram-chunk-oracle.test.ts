// Prometheus 2.42 as the oracle for histogram chunks (issue #6): native histograms, integer and
// float, go to the real Prometheus (--enable-feature=native-histograms, remote-write receiver)
// over remote write 1.0 (TimeSeries.histograms = field 4), then a STREAMED_XOR_CHUNKS read returns
// its HISTOGRAM (2) and FLOAT_HISTOGRAM (3) chunks. Decoded with the independent decoder of
// test/support/histogram-chunk-decode.ts they must give back the input bit for bit, and our
// encoder's chunks must be byte-identical to Prometheus' wherever both cut at the same samples.
//
// 2.42 facts this relies on (all seen here): it streams the open head chunk re-encoded, with the
// counter-reset header lost ("unknown"), and cannot re-encode an open gauge or reset-headed chunk
// (500 "detected unexpected counter reset"), so the series of the second test end with a chunk
// that closes the interesting ones; its receiver takes a float histogram whose count and zero
// count are both 0 for an integer one; where spans grow it recodes the chunk (we cut instead).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { histogramChunks } from '../../src/codec/histogram-chunk.js';
import { encodeHistogram } from '../../src/codec/histogram-proto.js';
import { snappyCompress } from '../../src/codec/snappy.js';
import {
  RESET_HINT,
  STALE_NAN_BITS,
  type BucketSpan,
  type FloatHistogram,
  type IntHistogram,
  type NativeHistogram,
} from '../../src/model.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import {
  encodeReadRequest,
  encodeTimeSeries,
  type TestLabel,
  type TestQuery,
} from '../support/encode-write.js';
import { bits, GO_NAN, rng } from '../support/bits.js';
import { post } from '../support/gateway.js';
import { decodeHistogramChunk, histogramKey } from '../support/histogram-chunk-decode.js';
import { floatHistogram, intHistogram, type HistogramLayout } from '../support/histograms.js';
import { decodeFrames, type DecodedChunk } from '../support/xor-decode.js';

// Every histogram lies in one 2 h chunk range [T0, T0 + 2 h): no range-boundary cuts.
const T0 = 1_795_550_400_000;
const T_END = T0 + 7_200_000 - 1;

const spanBuckets = (s: readonly BucketSpan[]): number => s.reduce((n, x) => n + x.length, 0);

/** An integer histogram from absolute counts; count = zero count + every bucket (2.42 checks it). */
function ih(
  t: number,
  l: HistogramLayout,
  zero: bigint,
  pos: bigint[],
  neg: bigint[],
  sum: bigint,
  hint = 0,
): IntHistogram {
  assert.equal(pos.length, spanBuckets(l.pos));
  assert.equal(neg.length, spanBuckets(l.neg));
  return intHistogram(t, l, zero, pos, neg, sum, hint);
}

function staleAt(t: number): IntHistogram {
  const l: HistogramLayout = { schema: 0, zt: 0n, pos: [], neg: [] };
  return ih(t, l, 0n, [], [], STALE_NAN_BITS);
}

/** A float histogram from absolute counts; count = zero count + every bucket + extra. */
function fh(
  t: number,
  l: HistogramLayout,
  zero: number,
  pos: number[],
  neg: number[],
  sum: bigint,
  extra = 0,
): FloatHistogram {
  assert.equal(pos.length, spanBuckets(l.pos));
  assert.equal(neg.length, spanBuckets(l.neg));
  const count = bits([...pos, ...neg].reduce((a, b) => a + b, zero) + extra);
  return floatHistogram(t, l, count, bits(zero), pos.map(bits), neg.map(bits), sum);
}

function floatStaleAt(t: number): FloatHistogram {
  return fh(t, { schema: 0, zt: 0n, pos: [], neg: [] }, 0, [], [], STALE_NAN_BITS);
}

interface HSeries {
  labels: TestLabel[];
  histograms: NativeHistogram[];
  /** Prometheus recodes this series' chunks to wider layouts: compare bucket counts, not spans. */
  recoded?: boolean;
}

const LAYOUT_A: HistogramLayout = {
  schema: 3,
  zt: bits(2 ** -128),
  pos: [
    { offset: -3, length: 2 },
    { offset: 2, length: 3 },
    { offset: 5, length: 1 },
  ],
  neg: [
    { offset: -1, length: 2 },
    { offset: 4, length: 1 },
  ],
};

/** Non-decreasing counts on a fixed layout, random steps. */
function growing(
  next: () => number,
  n: number,
  l: HistogramLayout,
  time: (i: number) => number,
  scale: number,
): IntHistogram[] {
  let pos = Array.from({ length: spanBuckets(l.pos) }, () => BigInt(Math.floor(next() * scale)));
  let neg = Array.from({ length: spanBuckets(l.neg) }, () => BigInt(Math.floor(next() * scale)));
  let zero = 0n;
  let sum = 0;
  const out: IntHistogram[] = [];
  for (let i = 0; i < n; i++) {
    const step = (): bigint => BigInt(next() < 0.3 ? 0 : Math.floor(next() * scale));
    pos = pos.map((v) => v + step());
    neg = neg.map((v) => v + step());
    zero += step();
    sum += next() * scale;
    out.push(ih(time(i), l, zero, pos, neg, bits(sum)));
  }
  return out;
}

function dataset(): HSeries[] {
  const next = rng(7);
  const out: HSeries[] = [];

  // 300 histograms every 15 s: Prometheus cuts at 120, so chunks of 120, 120, 60.
  out.push({
    labels: [
      { name: '__name__', value: 'hist_regular' },
      { name: 'job', value: 'a' },
    ],
    histograms: growing(next, 300, LAYOUT_A, (i) => T0 + i * 15_000, 50),
  });

  // Irregular times, counter resets (count drop, bucket drop), a NaN sum, stale markers.
  {
    const l: HistogramLayout = { schema: 0, zt: 0n, pos: [{ offset: 0, length: 4 }], neg: [] };
    const hs: IntHistogram[] = [];
    let t = T0 + 777;
    let pos = [1n, 2n, 3n, 4n];
    for (let i = 0; i < 160; i++) {
      t += 1 + Math.floor(next() * 40_000);
      if (i === 40)
        pos = [0n, 1n, 1n, 0n]; // everything drops: a reset
      else if (i === 70)
        pos = [pos[0]! + 5n, pos[1]! - 1n, pos[2]!, pos[3]!]; // one bucket drops
      else pos = pos.map((v) => v + BigInt(Math.floor(next() * 7)));
      if (i === 100 || i === 101) {
        hs.push(staleAt(t));
        continue;
      }
      const sum = i === 90 ? GO_NAN : bits(i * 0.75);
      hs.push(ih(t, l, BigInt(i), pos, [], sum));
    }
    out.push({
      labels: [
        { name: '__name__', value: 'hist_events' },
        { name: 'job', value: 'b' },
      ],
      histograms: hs,
    });
  }

  // Layout changes: a new bucket (Prometheus recodes), then a schema and a threshold change.
  {
    const l1: HistogramLayout = { schema: 1, zt: bits(2 ** -128), pos: [{ offset: 0, length: 2 }], neg: [] };
    const l2: HistogramLayout = { ...l1, pos: [{ offset: 0, length: 3 }] };
    const l3: HistogramLayout = { ...l2, schema: 0 };
    const l4: HistogramLayout = { ...l3, zt: bits(0.001) };
    const hs: IntHistogram[] = [];
    for (let i = 0; i < 80; i++) {
      const k = BigInt(i);
      const t = T0 + 60_000 + i * 30_000;
      if (i < 20) hs.push(ih(t, l1, k, [k, 2n * k], [], bits(i)));
      else if (i < 40) hs.push(ih(t, l2, k, [k, 2n * k, k], [], bits(i)));
      else if (i < 60) hs.push(ih(t, l3, k, [k, 2n * k, k], [], bits(i)));
      else hs.push(ih(t, l4, k, [k, 2n * k, k], [], bits(i)));
    }
    out.push({
      labels: [
        { name: '__name__', value: 'hist_layout' },
        { name: 'job', value: 'c' },
      ],
      histograms: hs,
      recoded: true,
    });
  }

  // Large values: every varbit width up to 64 bits, wide bucket offsets.
  {
    const l: HistogramLayout = {
      schema: -2,
      zt: bits(2 ** -20),
      pos: [
        { offset: -200, length: 1 },
        { offset: 300, length: 2 },
      ],
      neg: [{ offset: 1000, length: 1 }],
    };
    const hs: IntHistogram[] = [];
    let base = 1n;
    for (let i = 0; i < 60; i++) {
      base += BigInt(Math.floor(next() * 4 ** (i % 30)));
      hs.push(
        ih(
          T0 + 1_000_000 + i * 61_000 + (i % 5) * 9_000,
          l,
          base,
          [base, 2n * base, base],
          [3n * base],
          bits(Number(base) * 1.5),
        ),
      );
    }
    out.push({
      labels: [
        { name: '__name__', value: 'hist_wide' },
        { name: 'job', value: 'e' },
      ],
      histograms: hs,
    });
  }
  // A chunk that starts with stale markers: 120 histograms, 2 stale ones, then 10 more.
  {
    const l: HistogramLayout = { schema: 4, zt: bits(2 ** -128), pos: [{ offset: 7, length: 2 }], neg: [] };
    const hs: IntHistogram[] = [];
    for (let i = 0; i < 132; i++) {
      const t = T0 + 9 + i * 20_000;
      const k = BigInt(i);
      hs.push(i === 120 || i === 121 ? staleAt(t) : ih(t, l, k, [k, 3n * k], [], bits(i / 7)));
    }
    out.push({
      labels: [
        { name: '__name__', value: 'hist_stale_first' },
        { name: 'job', value: 'h' },
      ],
      histograms: hs,
    });
  }
  // Float histograms: 300 every 15 s (cut at 120), and one with resets, a NaN sum and stale markers.
  {
    const hs: FloatHistogram[] = [];
    let pos = [0.25, 1, 0, 3.5, 2, 0.125];
    let neg = [1.5, 0, 2];
    let zero = 0.5;
    for (let i = 0; i < 300; i++) {
      pos = pos.map((v) => v + Math.floor(next() * 8) / 4);
      neg = neg.map((v) => v + (next() < 0.5 ? 0 : next() * 3));
      zero += next() < 0.7 ? 0 : 0.75;
      hs.push(fh(T0 + 2_000 + i * 15_000, LAYOUT_A, zero, pos, neg, bits(i * 3.3 - 100), 0.5));
    }
    out.push({
      labels: [
        { name: '__name__', value: 'hist_float_regular' },
        { name: 'job', value: 'f' },
      ],
      histograms: hs,
    });
  }
  {
    const l: HistogramLayout = { schema: 2, zt: bits(0.001), pos: [{ offset: -4, length: 3 }], neg: [] };
    const hs: FloatHistogram[] = [];
    let t = T0 + 4321;
    let pos = [1, 2, 3];
    for (let i = 0; i < 150; i++) {
      t += 1 + Math.floor(next() * 30_000);
      if (i === 50)
        pos = [0.5, 0.5, 1]; // a reset
      else pos = pos.map((v) => v + next());
      if (i === 80 || i === 81) {
        // 2.42's receiver takes a histogram with float count and zero count both 0 for an
        // integer one, so this stale marker says count 1 (which the chunk drops anyway).
        hs.push(fh(t, { schema: 0, zt: 0n, pos: [], neg: [] }, 0, [], [], STALE_NAN_BITS, 1));
        continue;
      }
      const sum = i === 60 ? 0x7ff80000deadbeefn : i === 61 ? bits(-0) : bits(i * 0.1);
      hs.push(fh(t, l, i / 8, pos, [], sum));
    }
    out.push({
      labels: [
        { name: '__name__', value: 'hist_float_events' },
        { name: 'job', value: 'g' },
      ],
      histograms: hs,
    });
  }
  for (const s of out) for (const h of s.histograms) assert.ok(h.timestampMs >= T0 && h.timestampMs <= T_END);
  return out;
}

/** A remote write 1.0 WriteRequest whose TimeSeries carry histograms (field 4). */
function writeRequest(series: readonly HSeries[]): Buffer {
  const parts: Buffer[] = [];
  const lenPrefixed = (tag: number, body: Buffer): Buffer =>
    Buffer.concat([Buffer.from([tag]), uvarint(body.length), body]);
  for (const s of series) {
    const ts = [encodeTimeSeries({ labels: s.labels, samples: [] })];
    for (const h of s.histograms) ts.push(lenPrefixed(0x22, encodeHistogram(h)));
    parts.push(lenPrefixed(0x0a, Buffer.concat(ts)));
  }
  return Buffer.concat(parts);
}

/** Index of the first differing byte, -1 when equal. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** Stale histograms keep only time and sum in a chunk. */
function expectedKey(h: NativeHistogram): string {
  if (h.sumBits !== STALE_NAN_BITS) return histogramKey(h);
  return histogramKey(h.kind === 'int' ? staleAt(h.timestampMs) : floatStaleAt(h.timestampMs));
}

/** Layout-free form: absolute count per bucket index, zero buckets left out. */
function bucketForm(h: NativeHistogram): string {
  if (h.kind !== 'int') throw new Error('int only');
  const side = (spans: readonly BucketSpan[], deltas: BigInt64Array): string => {
    const parts: string[] = [];
    let idx = 0;
    let k = 0;
    let v = 0n;
    for (const s of spans) {
      idx += s.offset;
      for (let j = 0; j < s.length; j++, k++, idx++) {
        v += deltas[k]!;
        if (v !== 0n) parts.push(`${idx}:${v}`);
      }
    }
    return parts.join(',');
  };
  return (
    `t=${h.timestampMs} schema=${h.schema} zt=${h.zeroThresholdBits.toString(16)} sum=${h.sumBits.toString(16)} ` +
    `count=${h.count} zc=${h.zeroCount} p=[${side(h.positiveSpans, h.positiveDeltas)}] n=[${side(h.negativeSpans, h.negativeDeltas)}]`
  );
}

let prom: RunningPrometheus;

before(async () => {
  prom = await startPrometheus({
    extraFlags: ['--enable-feature=native-histograms', '--web.enable-remote-write-receiver'],
  });
});
after(async () => {
  await prom?.stop();
});

interface PromSeriesChunks {
  labels: Array<[string, string]>;
  chunks: DecodedChunk[];
}

async function readRaw(queries: readonly TestQuery[]): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(`${prom.url}/api/v1/read`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Read-Version': '0.1.0',
    },
    body: snappyCompress(encodeReadRequest(queries, [1])),
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

async function readChunks(queries: readonly TestQuery[]): Promise<PromSeriesChunks[]> {
  const { status, body } = await readRaw(queries);
  assert.equal(status, 200, body.toString());
  const out: PromSeriesChunks[] = [];
  for (const frame of decodeFrames(body)) {
    assert.equal(frame.series.length, 1);
    const s = frame.series[0]!;
    const last = out.at(-1);
    if (last !== undefined && JSON.stringify(last.labels) === JSON.stringify(s.labels))
      last.chunks.push(...s.chunks);
    else out.push({ labels: s.labels, chunks: [...s.chunks] });
  }
  return out;
}

test('Prometheus 2.42 histogram chunks: our decoder gets the input back; our chunks equal its bytes where cut alike', async (t) => {
  const data = dataset();
  const res = await post(`${prom.url}/api/v1/write`, snappyCompress(writeRequest(data)));
  assert.equal(res.status, 204, `Prometheus: ${res.text}`);

  const got = await readChunks([
    { startMs: T0, endMs: T_END, matchers: [{ type: 2, name: '__name__', value: 'hist_.*' }] },
  ]);
  const byName = new Map(got.map((s) => [s.labels.find(([n]) => n === '__name__')![1], s]));
  assert.equal(got.length, data.length);

  let promChunks = 0;
  let ourChunks = 0;
  let compared = 0;
  let histogramsChecked = 0;
  let reencoded = 0;
  const lines: string[] = [];
  for (const s of data) {
    const name = s.labels[0]!.value;
    const p = byName.get(name);
    assert.ok(p, `Prometheus returned no ${name}`);
    for (const c of p.chunks) {
      assert.equal(c.type, s.histograms[0]!.kind === 'int' ? 2 : 3, `${name}: chunk type ${c.type}`);
    }
    const decoded = p.chunks.map((c, i) => {
      try {
        return decodeHistogramChunk(c.data, c.type);
      } catch (e) {
        throw new Error(`${name} chunk ${i}: ${String(e)}`, { cause: e });
      }
    });
    const theirs = decoded.flatMap((d) => d.histograms);
    // 1. Prometheus' chunks, through our decoder, hold exactly what was written.
    if (s.recoded)
      assert.deepEqual(
        theirs.map(bucketForm),
        s.histograms.map((h) => bucketForm(h.sumBits === STALE_NAN_BITS ? staleAt(h.timestampMs) : h)),
        name,
      );
    else assert.deepEqual(theirs.map(histogramKey), s.histograms.map(expectedKey), name);
    histogramsChecked += theirs.length;

    // 2. Our chunks, byte for byte, wherever both cut at the same samples.
    const ours = [...histogramChunks(s.histograms)];
    promChunks += p.chunks.length;
    ourChunks += ours.length;
    let same = 0;
    for (const [i, pc] of p.chunks.entries()) {
      const n = decoded[i]!.histograms.length;
      const oc = ours.find(
        (c) =>
          c.minTimeMs === pc.minTimeMs &&
          c.maxTimeMs === pc.maxTimeMs &&
          decodeHistogramChunk(c.data, c.encoding).histograms.length === n,
      );
      if (oc === undefined) continue;
      assert.equal(oc.encoding, pc.type);
      const theirs = Buffer.from(pc.data);
      if (i === p.chunks.length - 1) {
        // The open head chunk: 2.42 re-encodes it on read into a fresh chunk and loses its
        // counter-reset header (always "unknown"); everything else is its appender's bytes.
        assert.equal(theirs[2]! & 0xc0, 0, `${name}: open head chunk header`);
        theirs[2] = oc.data[2]!;
        reencoded++;
      }
      assert.equal(
        firstDiff(oc.data, theirs),
        -1,
        `${name} chunk ${pc.minTimeMs}–${pc.maxTimeMs}: first differing byte`,
      );
      same++;
    }
    if (!s.recoded) assert.equal(same, p.chunks.length, `${name}: chunks cut alike`);
    compared += same;
    lines.push(
      `${name}: Prometheus ${p.chunks.length} chunks [${decoded.map((d) => `${d.histograms.length}/${d.header}`).join(' ')}], ` +
        `ours ${ours.length}; byte-identical ${same}`,
    );
  }
  for (const l of lines) t.diagnostic(l);
  t.diagnostic(
    `histograms ${histogramsChecked}; chunks Prometheus ${promChunks}, ours ${ourChunks}; ` +
      `byte-identical ${compared} (${reencoded} of them open head chunks, header byte excepted)`,
  );
  assert.equal(
    histogramsChecked,
    data.reduce((n, s) => n + s.histograms.length, 0),
  );
  assert.ok(compared >= 19, `only ${compared} chunks cut alike`);
});

test('gauge histograms and an explicit reset hint: chunks and headers as Prometheus 2.42 writes them', async (t) => {
  const l: HistogramLayout = { schema: 0, zt: 0n, pos: [{ offset: 0, length: 1 }], neg: [] };
  // A gauge histogram going up and down: one chunk with the gauge header.
  const gauge = [5n, 2n, 7n, 0n, 3n].map((k, i) =>
    ih(T0 + 6_000_000 + i * 1000, l, 0n, [k], [], bits(i), RESET_HINT.GAUGE),
  );
  // Counter, then gauge, then counter again.
  const mixed = [1n, 2n, 1n, 3n].map((k, i) =>
    ih(T0 + 6_000_000 + i * 1000, l, 0n, [k], [], bits(i), i === 1 || i === 2 ? RESET_HINT.GAUGE : 0),
  );
  // An explicit reset hint on a histogram whose counts still grow.
  const hinted = [1n, 2n, 3n, 4n].map((k, i) =>
    ih(T0 + 6_000_000 + i * 1000, l, 0n, [k], [], bits(i), i === 2 ? RESET_HINT.YES : RESET_HINT.UNKNOWN),
  );
  // Each series ends with a stale marker and one more histogram, so that the chunks of interest
  // are closed: 2.42 re-encodes the open head chunk on read, losing its header, and cannot
  // re-encode a gauge or reset-headed one at all (it answers 500, "iterate chunk while
  // re-encoding: detected unexpected counter reset in histogram").
  const close = (hs: IntHistogram[]): IntHistogram[] => {
    const end = hs.at(-1)!.timestampMs;
    return [...hs, staleAt(end + 500), ih(end + 1000, l, 0n, [100n], [], bits(100))];
  };
  const data: HSeries[] = [
    { labels: [{ name: '__name__', value: 'hint_gauge' }], histograms: close(gauge) },
    { labels: [{ name: '__name__', value: 'hint_mixed' }], histograms: close(mixed) },
    { labels: [{ name: '__name__', value: 'hint_reset' }], histograms: close(hinted) },
  ];
  const res = await post(`${prom.url}/api/v1/write`, snappyCompress(writeRequest(data)));
  assert.equal(res.status, 204, `Prometheus: ${res.text}`);
  let identical = 0;
  for (const input of data) {
    const name = input.labels[0]!.value;
    const q: TestQuery[] = [
      { startMs: T0, endMs: T_END, matchers: [{ type: 0, name: '__name__', value: name }] },
    ];
    const [s] = await readChunks(q);
    assert.ok(s, name);
    const decoded = s.chunks.map((c) => decodeHistogramChunk(c.data, c.type));
    assert.deepEqual(
      decoded.flatMap((d) => d.histograms.map(histogramKey)),
      input.histograms.map(histogramKey),
      name,
    );
    const ours = [...histogramChunks(input.histograms)];
    // The last chunk is the open head chunk, re-encoded on read without its header (see above).
    const same =
      ours.length === s.chunks.length &&
      ours.every((c, i) => {
        const theirs = Buffer.from(s.chunks[i]!.data);
        if (i === ours.length - 1) theirs[2] = c.data[2]!;
        return firstDiff(c.data, theirs) === -1;
      });
    const show = (d: Array<{ histograms: unknown[]; header: string }>): string =>
      d.map((x) => `${x.histograms.length}/${x.header}`).join(' ');
    t.diagnostic(
      `${name}: Prometheus [${show(decoded)}], ours [${show(ours.map((c) => decodeHistogramChunk(c.data, c.encoding)))}]; ` +
        `byte-identical ${same}`,
    );
    if (same) identical++;
  }
  assert.equal(identical, data.length);
});
