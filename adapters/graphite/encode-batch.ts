// Turns a batch into wire chunks for one transport, counting what carbon cannot store (design.md
// §3: report data rejections, write the rest). Per series: the cached name; per sample: a
// rejection check, seconds and the value — plain indexed loops, no per-sample allocation beyond
// the line text.

import type { Rejection, SeriesRef, WriteBatch } from '../../src/adapter.js';
import { formatValue, rejectSample, toSeconds } from './carbon-format.js';
import { createPickleFrame, pickleItemSize, PICKLE_FRAME_OVERHEAD } from './pickle-frame.js';
import type { SeriesName } from './series-naming.js';

/** Seconds remembered per series and batch for read-your-writes. */
const KEEP_SECONDS = 8;

export interface EncodedBatch {
  /** Whole lines (plaintext) or whole frames (pickle), each at most maxChunkBytes. */
  readonly chunks: Buffer[];
  readonly written: number;
  readonly rejected: Rejection[];
  /** Series that had at least one sample sent, with the last few seconds sent (read-your-writes). */
  readonly paths: Map<SeriesName, number[]>;
}

export interface EncodeOptions {
  readonly format: 'plaintext' | 'pickle';
  /** Chunk size: a UDP datagram, a pickle frame, or a socket write for TCP. */
  readonly maxChunkBytes: number;
  /** The series' names (one per path it is written under), or one name carrying a rejection. */
  readonly name: (series: SeriesRef) => readonly SeriesName[];
}

function rejections() {
  const byReason = new Map<string, { count: number; example: string }>();
  return {
    add(reason: string, count: number, example: () => string) {
      const r = byReason.get(reason);
      if (r) r.count += count;
      else byReason.set(reason, { count, example: example() });
    },
    list: (): Rejection[] => [...byReason].map(([reason, r]) => ({ reason, ...r })),
  };
}

export function encodeBatch(batch: WriteBatch, options: EncodeOptions): EncodedBatch {
  const chunks: Buffer[] = [];
  const rejected = rejections();
  const paths = new Map<SeriesName, number[]>();
  let written = 0;
  const pickle = options.format === 'pickle';
  let text = '';
  let textBytes = 0;
  let frame = pickle ? createPickleFrame(options.maxChunkBytes - PICKLE_FRAME_OVERHEAD) : undefined;

  for (const s of batch.series) {
    const n = s.timestamps.length;
    const names = options.name(s.series);
    const rejectedName = names[0]?.rejection !== undefined ? names[0] : undefined;
    if (rejectedName !== undefined) {
      rejected.add(
        rejectedName.rejection!,
        n,
        () => `${s.series.key.slice(0, 200)}: ${rejectedName.bytes.length} bytes`,
      );
      continue;
    }
    // Usually one name; several when path templates say `continue`. A sample counts as written
    // once, however many paths carry it.
    const lasts: (number[] | undefined)[] = names.map(() => undefined);
    for (let i = 0; i < n; i++) {
      const ms = s.timestamps[i]!;
      const why = rejectSample(s.values, i, ms);
      if (why !== null) {
        rejected.add(why, 1, () => `${s.series.key.slice(0, 200)} at ${ms}`);
        continue;
      }
      const seconds = toSeconds(ms);
      for (let k = 0; k < names.length; k++) {
        const name = names[k]!;
        if (frame !== undefined) {
          if (frame.remaining() < pickleItemSize(name.bytes.length) && frame.items > 0) {
            chunks.push(frame.finish());
            frame = createPickleFrame(options.maxChunkBytes - PICKLE_FRAME_OVERHEAD);
          }
          frame.add(name.bytes, seconds, s.values, i);
        } else {
          const line = `${name.path} ${formatValue(s.values, i)} ${seconds}\n`;
          // Byte length: the path's is known, the rest is ASCII.
          const lineBytes = name.bytes.length + line.length - name.path.length;
          if (textBytes + lineBytes > options.maxChunkBytes && textBytes > 0) {
            chunks.push(Buffer.from(text, 'utf8'));
            text = '';
            textBytes = 0;
          }
          text += line;
          textBytes += lineBytes;
        }
        const last = (lasts[k] ??= paths.get(name) ?? []);
        if (last[last.length - 1] !== seconds) {
          if (last.length === KEEP_SECONDS) last.shift();
          last.push(seconds);
        }
      }
      written++;
    }
    for (let k = 0; k < names.length; k++) {
      const last = lasts[k];
      if (last !== undefined) paths.set(names[k]!, last);
    }
  }
  if (frame !== undefined && frame.items > 0) chunks.push(frame.finish());
  if (textBytes > 0) chunks.push(Buffer.from(text, 'utf8'));
  return { chunks, written, rejected: rejected.list(), paths };
}
