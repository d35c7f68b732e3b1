// In-process remote-write decode throughput on one core: snappy + hand-written decode, on the
// captured fixtures and on the Kubernetes-like workload (bench/workload.ts). Medians of runs.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { snappyCompress, snappyDecompress } from '../src/codec/snappy.js';
import { promSchema } from '../src/codec/proto-schema.js';
import { createWriteV1Decoder, type WriteV1Decoder } from '../src/codec/write-v1.js';
import { createWriteV2Decoder } from '../src/codec/write-v2.js';
import { encodeHistogram } from '../src/codec/histogram-proto.js';
import type { IntHistogram } from '../src/model.js';
import { ProtoWriter } from '../test/support/encode-write.js';
import { encodeV2FromBatch } from '../test/support/encode-write-v2.js';
import { median, type BenchReport } from './report.js';
import { buildWorkload } from './workload.js';

export interface DecodeBenchOptions {
  /** Workload size in distinct series (default 20,000). */
  readonly series?: number;
  /** Timed runs per line (default 7, at least 5). */
  readonly runs?: number;
  /** Minimum duration of one run, ms (default 250). */
  readonly minRunMs?: number;
}

const MAX_DECODED = 64 << 20;

function fixturesDir(): string | undefined {
  const candidates = [
    process.env['PROMGATE_FIXTURES'],
    // dist/bench/ → repo root is two levels up; shared/ sits beside the clone.
    fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url)),
  ];
  return candidates.find((d): d is string => d !== undefined && d !== '' && existsSync(d));
}

interface Rates {
  /** Items per wall-clock second, one entry per run. */
  readonly wall: number[];
  /** Items per second of process CPU time (all threads, so GC helpers count too). */
  readonly cpu: number[];
}

/** Runs `pass` until minRunMs has elapsed, `runs` times. */
function measure(pass: () => number, runs: number, minRunMs: number): Rates {
  pass(); // warm-up (JIT, caches)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    let items = 0;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    let elapsedMs: number;
    do {
      items += pass();
      elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    } while (elapsedMs < minRunMs);
    const used = process.cpuUsage(cpuStart);
    wall.push(items / (elapsedMs / 1000));
    cpu.push(items / ((used.user + used.system) / 1e6));
  }
  return { wall, cpu };
}

// The median is wall-clock (what the lead's report compares); the CPU-time median is in extra,
// because on a shared machine it is the steadier "per core" figure.
function report(
  name: string,
  unit: string,
  rates: Rates,
  extra: Record<string, string | number> = {},
): BenchReport {
  return {
    name,
    unit,
    median: Math.round(median(rates.wall)),
    runs: rates.wall.map(Math.round),
    extra: { ...extra, [`${unit} per CPU-second`]: Math.round(median(rates.cpu)) },
  };
}

// Heap used after a full GC, when the GC can be reached (it can after --expose-gc is set here).
function settledHeap(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function fixtureLines(runs: number, minRunMs: number): BenchReport[] {
  const dir = fixturesDir();
  if (dir === undefined) return [];
  const lines: BenchReport[] = [];
  for (const name of [
    'prom242-write-selfscrape-500series',
    'vmagent-1.79.5-write-526series',
    'prom242-write-metadata-only',
  ]) {
    const body = readFileSync(join(dir, `${name}.snappy.bin`));
    const decoder = createWriteV1Decoder({ maxCachedSeries: 100_000 });
    const probe = decoder.decode(snappyDecompress(body, MAX_DECODED));
    const metadataOnly = probe.sampleCount === 0;
    const rates = measure(
      () => {
        const batch = decoder.decode(snappyDecompress(body, MAX_DECODED));
        return metadataOnly ? batch.metadata.length : batch.sampleCount;
      },
      runs,
      minRunMs,
    );
    lines.push(report(`decode ${name}`, metadataOnly ? 'metadata/s' : 'samples/s', rates));
  }
  return lines;
}

function decodeAll(decoder: WriteV1Decoder, bodies: readonly Buffer[]): number {
  let n = 0;
  for (const b of bodies) n += decoder.decode(snappyDecompress(b, MAX_DECODED)).sampleCount;
  return n;
}

/** Decode throughput lines for bench/run.ts. */
export async function runDecodeBench(options: DecodeBenchOptions = {}): Promise<BenchReport[]> {
  const runs = Math.max(5, options.runs ?? 7);
  const minRunMs = options.minRunMs ?? 250;
  const series = options.series ?? 20_000;
  const lines = fixtureLines(runs, minRunMs);

  const w = buildWorkload({ series });
  const shape = {
    series: w.series,
    requests: w.bodies.length,
    'raw B/sample': Math.round(w.rawBytes / w.samples),
    'wire B/sample': Math.round(w.wireBytes / w.samples),
  };

  // Cold: every series is new (first scrape after start); fresh decoder per pass.
  const firstScrape = w.bodies.slice(0, Math.ceil(w.series / 2000));
  const cold = measure(
    () => decodeAll(createWriteV1Decoder({ maxCachedSeries: 2 * series }), firstScrape),
    runs,
    minRunMs,
  );
  lines.push(report('decode workload, cold cache (first scrape)', 'samples/s', cold, shape));

  // Steady state: the cache holds every series, as after the first scrape.
  const heapBefore = settledHeap();
  const warm = createWriteV1Decoder({ maxCachedSeries: 2 * series });
  decodeAll(warm, w.bodies);
  const heapPerSeries = Math.round((settledHeap() - heapBefore) / warm.cachedSeries());
  const steady = measure(() => decodeAll(warm, w.bodies), runs, minRunMs);
  lines.push(
    report('decode workload, snappy + decode (steady state)', 'samples/s', steady, {
      ...shape,
      'cache heap B/series': heapPerSeries,
    }),
  );

  // Where the time goes: snappy alone, decode alone, and protobufjs for reference.
  const raws = w.bodies.map((b) => snappyDecompress(b, MAX_DECODED));
  const snappyOnly = measure(
    () => {
      for (const b of w.bodies) snappyDecompress(b, MAX_DECODED);
      return w.samples;
    },
    runs,
    minRunMs,
  );
  lines.push(report('workload: snappy only (native)', 'samples/s', snappyOnly));
  const decodeOnly = measure(
    () => {
      let n = 0;
      for (const r of raws) n += warm.decode(r).sampleCount;
      return n;
    },
    runs,
    minRunMs,
  );
  lines.push(report('workload: decode only (steady state)', 'samples/s', decodeOnly));
  // Remote write 2.0: the same requests re-encoded as Prometheus sends 2.0 (one symbols table
  // per request, one sample per TimeSeries), decoded in steady state (SeriesRefs cached).
  const v2Bodies = raws.map((r) =>
    snappyCompress(encodeV2FromBatch(createWriteV1Decoder({ maxCachedSeries: 2 * series }).decode(r))),
  );
  const v2 = createWriteV2Decoder({ maxCachedSeries: 2 * series });
  const v2Rates = measure(
    () => {
      let n = 0;
      for (const b of v2Bodies) n += v2.decode(snappyDecompress(b, MAX_DECODED)).sampleCount;
      return n;
    },
    runs,
    minRunMs,
  );
  const v2Wire = v2Bodies.reduce((sum, b) => sum + b.length, 0);
  lines.push(
    report('decode v2 workload, snappy + decode (steady state)', 'samples/s', v2Rates, {
      'wire B/sample': Math.round(v2Wire / w.samples),
    }),
  );
  // Native histograms: one request of 2,000 integer histograms of 28 buckets (schema 3, a zero
  // bucket, both sides), each with its own series, decoded in steady state.
  const histograms = histogramRequest(2000);
  const histogramRates = measure(() => warm.decode(histograms).histogramCount, runs, minRunMs);
  lines.push(
    report('native histograms, decode only (28 buckets each)', 'histograms/s', histogramRates, {
      'raw B/histogram': Math.round(histograms.length / 2000),
    }),
  );
  const WriteRequest = promSchema().WriteRequest;
  const reference = measure(
    () => {
      for (const r of raws) WriteRequest.decode(r);
      return w.samples;
    },
    5,
    minRunMs,
  );
  lines.push(report('workload: protobufjs decode only (reference, no grouping)', 'samples/s', reference));
  return lines;
}

function histogramRequest(count: number): Buffer {
  const w = new ProtoWriter();
  for (let i = 0; i < count; i++) {
    const h: IntHistogram = {
      kind: 'int',
      timestampMs: 1_700_000_000_000,
      startTimestampMs: 0,
      schema: 3,
      resetHint: 0,
      sumBits: 0x4059000000000000n + BigInt(i),
      zeroThresholdBits: 0x3f50624dd2f1a9fcn,
      count: 1000n + BigInt(i),
      zeroCount: 3n,
      negativeSpans: [{ offset: -5, length: 8 }],
      positiveSpans: [
        { offset: 0, length: 12 },
        { offset: 3, length: 8 },
      ],
      negativeDeltas: BigInt64Array.from({ length: 8 }, (_, k) => BigInt(k - 3)),
      positiveDeltas: BigInt64Array.from({ length: 20 }, (_, k) => BigInt((k % 5) - 2)),
      customValues: new Float64Array(0),
    };
    w.message(1, (ts) => {
      ts.message(1, (l) => l.string(1, '__name__').string(2, 'http_request_duration_seconds'));
      ts.message(1, (l) => l.string(1, 'pod').string(2, `pod-${i}`));
      ts.bytes(4, encodeHistogram(h));
    });
  }
  return w.finish();
}
