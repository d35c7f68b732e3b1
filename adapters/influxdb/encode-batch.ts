// Turns a WriteBatch into line-protocol bodies of at most maxPoints points and maxBytes bytes.
// Per-series work (escaping, tag encoding, validation) is cached by the adapter instance; the
// per-sample loop only formats a float and a timestamp (style.md convention 8).

import type { Rejection, SeriesRef, WriteBatch } from '../../src/adapter.js';
import { seriesLine, type SeriesLine } from './line-protocol.js';
import { SPECIAL_FIELD, formatFloat, isSpecial, specialName } from './special-values.js';

export interface EncodedBody {
  readonly text: string;
  readonly points: number;
}

export interface EncodeOptions {
  /** Per adapter instance: the series line of every series seen (the decoder reuses SeriesRefs). */
  readonly cache: WeakMap<SeriesRef, CachedLine>;
  readonly specialValues: 'store' | 'drop';
  readonly maxPoints: number;
  readonly maxBytes: number;
}

/** bytes: of prefix and labelFields together. */
export type CachedLine = SeriesLine & { readonly bytes?: number };

// InfluxDB's time range is int64 nanoseconds (models.MinNanoTime/MaxNanoTime), about ±292 years.
const MAX_MS = 9_223_372_036_854;

export class RejectionTally {
  private readonly byReason = new Map<string, { count: number; example: string }>();
  add(reason: string, count: number, example: string): void {
    const entry = this.byReason.get(reason);
    if (entry) entry.count += count;
    else this.byReason.set(reason, { count, example: example.slice(0, 500) });
  }
  get total(): number {
    let n = 0;
    for (const e of this.byReason.values()) n += e.count;
    return n;
  }
  list(): Rejection[] {
    return [...this.byReason].map(([reason, e]) => ({ reason, count: e.count, example: e.example }));
  }
}

function lineOf(cache: WeakMap<SeriesRef, CachedLine>, series: SeriesRef): CachedLine {
  let line = cache.get(series);
  if (line === undefined) {
    const built = seriesLine(series);
    line = built.ok ? { ...built, bytes: Buffer.byteLength(built.prefix + built.labelFields) } : built;
    cache.set(series, line);
  }
  return line;
}

export function encodeBatch(batch: WriteBatch, options: EncodeOptions, tally: RejectionTally): EncodedBody[] {
  const bodies: EncodedBody[] = [];
  let parts: string[] = [];
  let points = 0;
  let bytes = 0;
  const flush = () => {
    if (points > 0) bodies.push({ text: parts.join(''), points });
    parts = [];
    points = 0;
    bytes = 0;
  };
  for (const s of batch.series) {
    const line = lineOf(options.cache, s.series);
    const n = s.timestamps.length;
    if (!line.ok) {
      tally.add(line.reason, n, `${s.series.key.slice(0, 200)}: ${line.why}`);
      continue;
    }
    const prefixBytes = line.bytes ?? Buffer.byteLength(line.prefix + line.labelFields);
    const extra = line.labelFields;
    for (let i = 0; i < n; i++) {
      const ts = s.timestamps[i]!;
      if (ts > MAX_MS || ts < -MAX_MS) {
        tally.add('influx_time_out_of_range', 1, `${s.series.key.slice(0, 200)} at ${ts} ms`);
        continue;
      }
      let field: string;
      if (isSpecial(s.values, i)) {
        if (options.specialValues === 'drop') {
          tally.add('special_value_dropped', 1, `${s.series.key.slice(0, 200)} at ${ts} ms`);
          continue;
        }
        field = `${SPECIAL_FIELD}="${specialName(s.values, i)}"${extra} `;
      } else {
        field = `value=${formatFloat(s.values[i]!)}${extra} `;
      }
      const tail = field + ts + '\n';
      // The tail is ASCII apart from `extra`, counted in prefixBytes.
      const size = prefixBytes + tail.length - extra.length;
      if (points > 0 && (points >= options.maxPoints || bytes + size > options.maxBytes)) flush();
      parts.push(line.prefix, tail);
      points++;
      bytes += size;
    }
  }
  flush();
  return bodies;
}
