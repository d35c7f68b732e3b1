// Seeded random WriteRequest bodies for the write v1 decoder fuzz tests (not a test file): label
// sets with tricky names and values, special float bits, and every layout senders may produce.

import { seriesKey } from '../../src/model.js';
import {
  bitsOf,
  ProtoWriter,
  writeLabel,
  writeSample,
  type TestLabel,
  type TestSample,
} from '../support/encode-write.js';
import { GO_NAN, NEG_ZERO, STALE } from './oracle.js';

const NAMES = [
  '__name__',
  'job',
  'instance',
  'a',
  'Z',
  '_x',
  'le',
  'é',
  'a\uE000',
  'a\u{1F600}',
  '日本',
  'k8s.io/app',
];
const VALUES = ['', 'x', 'prometheus', '0.5', '+Inf', 'é', '😀', 'line\nbreak', 'quote"\\', 'v'.repeat(120)];
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function randomLabelSet(rand: () => number): TestLabel[] {
  const names = NAMES.filter(() => rand() < 0.4);
  if (names.length === 0) names.push('__name__');
  return names
    .sort(utf8Order)
    .map((name) => ({
      name,
      value: VALUES[Math.floor(rand() * VALUES.length)]! || (rand() < 0.5 ? '' : 'y'),
    }))
    .map((l, i) => (i === 0 && l.value === '' ? { ...l, value: 'first' } : l));
}

const SPECIAL_BITS = [
  STALE,
  GO_NAN,
  NEG_ZERO,
  0n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x7ff8000000000000n,
];

function randomSample(rand: () => number): TestSample {
  const r = rand();
  const bits =
    r < 0.3
      ? SPECIAL_BITS[Math.floor(rand() * SPECIAL_BITS.length)]!
      : r < 0.6
        ? (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32))
        : bitsOf(Math.round(rand() * 1e6) / 100);
  const t = rand();
  const timestampMs =
    t < 0.1
      ? 0
      : t < 0.2
        ? -Math.floor(rand() * 2 ** 53)
        : t < 0.3
          ? 2 ** 53 - 1
          : 1795548633582 + Math.floor(rand() * 1e6);
  return { timestampMs, bits };
}

export interface RandomBody {
  readonly body: Buffer;
  /** Per entry: label set and samples as generated (with exact bits). */
  readonly entries: { labels: TestLabel[]; samples: TestSample[] }[];
}

/** A valid WriteRequest with the layouts senders may legally produce. */
export function randomBody(rand: () => number, pool: TestLabel[][]): RandomBody {
  const w = new ProtoWriter();
  const entries: RandomBody['entries'] = [];
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) {
    const labels = pool[Math.floor(rand() * pool.length)]!;
    const samples = Array.from({ length: Math.floor(rand() * 3) }, () => randomSample(rand));
    entries.push({ labels, samples });
    const layout = rand();
    w.message(1, (ts) => {
      const writeLabels = (from: number, to: number) => {
        for (const l of labels.slice(from, to)) {
          if (rand() < 0.1) ts.message(1, (m) => m.string(2, l.value).string(1, l.name).key(5, 0).varint(1));
          else if (l.value === '' && rand() < 0.5)
            ts.message(1, (m) => m.string(1, l.name).bytes(2, Buffer.alloc(0)));
          else writeLabel(ts, 1, l);
        }
      };
      const writeSamples = () => {
        for (const s of samples) {
          if (rand() < 0.1)
            ts.message(2, (m) =>
              m.key(1, 1).fixed64(123n).key(2, 0).varint(BigInt(s.timestampMs)).key(1, 1).fixed64(s.bits!),
            );
          else writeSample(ts, 2, s);
        }
      };
      if (rand() < 0.15) ts.key(6, 0).varint(BigInt(Math.floor(rand() * 2 ** 40)));
      if (layout < 0.6) {
        writeLabels(0, labels.length);
        writeSamples();
      } else if (layout < 0.8) {
        writeSamples();
        writeLabels(0, labels.length);
      } else {
        const cut = Math.floor(rand() * labels.length);
        writeLabels(0, cut);
        writeSamples();
        writeLabels(cut, labels.length);
      }
      if (rand() < 0.2) ts.message(3, (e) => e.key(2, 1).fixed64(bitsOf(1)).key(3, 0).varint(5));
      if (rand() < 0.1)
        ts.message(4, (h) =>
          h
            .key(1, 0)
            .varint(3)
            .message(8, (span) => span.key(2, 0).varint(1))
            .bytes(9, Buffer.from([0x02])),
        );
    });
    if (rand() < 0.1) w.key(2, 2).varint(1).raw(Buffer.from('x'));
    if (rand() < 0.05) w.key(30, 3).key(1, 2).varint(0).key(30, 4);
  }
  if (rand() < 0.3) {
    w.message(3, (m) => m.key(1, 0).varint(2).string(2, 'family').string(4, 'help ⏱').string(5, 'unit'));
  }
  return { body: w.finish(), entries };
}

/** Exact bits per series as generated, grouped like the decoder must group. */
export function expectedBits(entries: RandomBody['entries']): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  for (const e of entries) {
    if (e.samples.length === 0) continue;
    const key = seriesKey(e.labels.filter((l) => l.value !== ''));
    const list = out.get(key) ?? [];
    for (const s of e.samples) list.push(s.bits!);
    out.set(key, list);
  }
  return out;
}
