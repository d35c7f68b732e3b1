// The float samples of one remote-write request, shared by both decoders (write-v1.ts,
// write-v2.ts): each Sample message is read into reused scratch arrays in arrival order, with
// the series group it belongs to, and finish() copies them into exact-size arrays grouped by
// series. Values move as 32-bit words, never through a JS number, so NaN payloads survive.
// Decoding is synchronous, so one scratch per decoder is never used by two requests at once.

import type { SeriesRef, SeriesSamples } from '../model.js';
import { corrupt, wrongWireType, type Cursor } from './proto-cursor.js';

const INITIAL_SAMPLES = 4096;

export class SampleScratch {
  capacity = 0;
  /** Timestamps in arrival order. */
  ts = new Float64Array(0);
  /** Value bits, two little-endian words per sample (an alias of `values`). */
  words = new Uint32Array(0);
  values = new Float64Array(0);
  /** The series group of each sample. */
  groupOf = new Int32Array(0);

  /** Makes room for n samples, keeping what is there. */
  reserve(n: number): void {
    if (n <= this.capacity) return;
    const next = Math.max(INITIAL_SAMPLES, this.capacity * 2, n);
    const ts = new Float64Array(next);
    ts.set(this.ts);
    const values = new Float64Array(next);
    values.set(this.values);
    const groups = new Int32Array(next);
    groups.set(this.groupOf);
    this.ts = ts;
    this.values = values;
    this.words = new Uint32Array(values.buffer);
    this.groupOf = groups;
    this.capacity = next;
  }

  /** Gives the memory back after an unusually large request. */
  shrinkAfter(samples: number): void {
    if (this.capacity > 16 * INITIAL_SAMPLES && samples < this.capacity / 8) {
      this.capacity = 0;
      this.ts = new Float64Array(0);
      this.values = new Float64Array(0);
      this.words = new Uint32Array(0);
      this.groupOf = new Int32Array(0);
    }
  }
}

/** Whether the last readSample() met a non-zero start timestamp (2.0 rc.4 field 3). */
export let sampleHadStart = false;

/**
 * Reads the Sample message [c.pos, end) into slot i of `words` (value) and returns its timestamp
 * (the caller range-checks and stores it). Sample is { 1: double value, 2: int64 timestamp } in
 * both protocols; 2.0 (rc.4) adds 3: int64 start_timestamp, accepted and not kept (`v2`).
 */
export function readSample(c: Cursor, end: number, words: Uint32Array, i: number, v2: boolean): number {
  const buf = c.buf;
  let lo = 0;
  let hi = 0;
  let ts = 0;
  sampleHadStart = false;
  while (c.pos < end) {
    const p = c.pos;
    const k = buf[p]! < 0x80 ? buf[c.pos++]! : c.key(end);
    if (k === 0x09) {
      const v = c.pos;
      if (end - v < 8) throw corrupt('truncated double', v);
      lo = (buf[v]! | (buf[v + 1]! << 8) | (buf[v + 2]! << 16) | (buf[v + 3]! << 24)) >>> 0;
      hi = (buf[v + 4]! | (buf[v + 5]! << 8) | (buf[v + 6]! << 16) | (buf[v + 7]! << 24)) >>> 0;
      c.pos = v + 8;
    } else if (k === 0x10) {
      ts = c.int64(end);
    } else if (v2 && k === 0x18) {
      sampleHadStart = c.int64(end) !== 0;
    } else {
      const field = k >>> 3;
      if (field === 1 || field === 2 || (v2 && field === 3)) throw wrongWireType(field, k & 7, p);
      if (field === 0) throw corrupt(`invalid field key ${k}`, p);
      c.skip(k & 7, end, p);
    }
  }
  words[2 * i] = lo;
  words[2 * i + 1] = hi;
  return ts;
}

/**
 * The request's series: samples [0, samples) of the scratch grouped by `groupOf` into exact-size
 * arrays, each group's samples in arrival order, groups in order of first appearance; groups
 * without samples are left out. `contiguous`: every group's samples already form one run
 * starting at groupStart[g] (no interleaving), so one copy of each array suffices.
 */
export function groupSamples(
  scratch: SampleScratch,
  samples: number,
  refs: readonly SeriesRef[],
  groupCount: Int32Array,
  groupStart: Int32Array,
  contiguous: boolean,
): SeriesSamples[] {
  const groups = refs.length;
  const timestamps = scratch.ts.slice(0, samples);
  let values: Float64Array;
  if (contiguous) {
    values = scratch.values.slice(0, samples);
  } else {
    const fill = new Int32Array(groups);
    for (let g = 0, at = 0; g < groups; g++) {
      fill[g] = at;
      groupStart[g] = at;
      at += groupCount[g]!;
    }
    values = new Float64Array(samples);
    const words = new Uint32Array(values.buffer);
    const { ts, words: scratchWords, groupOf } = scratch;
    for (let i = 0; i < samples; i++) {
      const o = fill[groupOf[i]!]!++;
      timestamps[o] = ts[i]!;
      words[2 * o] = scratchWords[2 * i]!;
      words[2 * o + 1] = scratchWords[2 * i + 1]!;
    }
  }
  const series: SeriesSamples[] = [];
  for (let g = 0; g < groups; g++) {
    const n = groupCount[g]!;
    if (n === 0) continue;
    const from = groupStart[g]!;
    // The constructor is cheaper than subarray() (no species lookup).
    series.push({
      series: refs[g]!,
      timestamps: new Float64Array(timestamps.buffer, from * 8, n),
      values: new Float64Array(values.buffer, from * 8, n),
    });
  }
  scratch.shrinkAfter(samples);
  return series;
}
