// Turns a WriteBatch into /api/put request bodies (JSON arrays), bounded by points and bytes,
// and tallies what can never be stored. Per series the mapping is computed once (and cached
// on the SeriesRef); per sample only the timestamp and value are formatted.

import type { SeriesRef, WriteBatch } from '../../src/adapter.js';
import { formatTimestamp, formatValue, unsupportedValue } from './point-format.js';
import type { RejectionTally } from './rejections.js';
import {
  isMapped,
  mapSeries,
  type MappedSeries,
  type MappingOptions,
  type UnmappableSeries,
} from './series-mapping.js';

export interface PutChunk {
  readonly body: string;
  readonly points: number;
}

export interface ChunkLimits {
  readonly maxPoints: number;
  readonly maxBytes: number;
}

export type MappingCache = WeakMap<SeriesRef, MappedSeries | UnmappableSeries>;

export function buildPutChunks(
  batch: WriteBatch,
  mapping: MappingOptions,
  cache: MappingCache,
  limits: ChunkLimits,
  tally: RejectionTally,
): PutChunk[] {
  const chunks: PutChunk[] = [];
  let parts: string[] = [];
  let bytes = 2;
  const flush = () => {
    if (parts.length === 0) return;
    chunks.push({ body: `[${parts.join(',')}]`, points: parts.length });
    parts = [];
    bytes = 2;
  };
  for (const s of batch.series) {
    let mapped = cache.get(s.series);
    if (mapped === undefined) cache.set(s.series, (mapped = mapSeries(s.series.labels, mapping)));
    const n = s.timestamps.length;
    if (!isMapped(mapped)) {
      const why = mapped.message;
      tally.add(mapped.reason, n, () => `${s.series.key}: ${why}`);
      continue;
    }
    for (let i = 0; i < n; i++) {
      const bad = unsupportedValue(s.values, i);
      if (bad !== undefined) {
        tally.add(bad, 1, () => `${s.series.key} at ${s.timestamps[i]!}: OpenTSDB cannot store NaN or ±Inf`);
        continue;
      }
      const ts = formatTimestamp(s.timestamps[i]!);
      if (ts === undefined) {
        tally.add(
          'timestamp_out_of_range',
          1,
          () => `${s.series.key} at ${s.timestamps[i]!}: not a 13-digit ms or whole-second time`,
        );
        continue;
      }
      // Escaped names are ASCII, so the string length is the byte length.
      const point = `{${mapped.json},"timestamp":${ts},"value":${formatValue(s.values[i]!)}}`;
      if (
        parts.length > 0 &&
        (parts.length >= limits.maxPoints || bytes + point.length + 1 > limits.maxBytes)
      )
        flush();
      parts.push(point);
      bytes += point.length + 1;
    }
  }
  flush();
  return chunks;
}
