// Label sets from raw Label fields (remote write 1.0, protocols.md §2): building and validating
// them on a series-cache miss, copying label fields that are not adjacent on the wire, and
// describing them for error messages. Validation follows Prometheus: names non-empty, names and
// values valid UTF-8, names strictly sorted by bytes, optional count and length limits.

import { isUtf8 } from 'node:buffer';
import { RequestError } from '../errors.js';
import { makeSeriesRef, type Label, type SeriesRef } from '../model.js';
import { Cursor, WT_LEN, wrongWireType } from './proto-cursor.js';

export interface LabelLimits {
  readonly maxLabels: number;
  readonly maxNameBytes: number;
  readonly maxValueBytes: number;
}

/**
 * Builds the series of raw label fields src[s, e): its labels, key and metric name, equal to
 * makeSeriesRef of the labels. Throws RequestError(400) on invalid labels.
 */
export type BuildLabels = (src: Buffer, s: number, e: number) => SeriesRef;

const MAX_INTERNED_NAMES = 10_000;

function growInt32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(2 * a.length, n));
  b.set(a);
  return b;
}

// Whether text equals the latin1 bytes b[s, e).
function sameText(text: string, b: Buffer, s: number, e: number): boolean {
  if (text.length !== e - s) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== b[s + i]) return false;
  return true;
}

function compareRanges(src: Buffer, a: number, aEnd: number, b: number, bEnd: number): number {
  const n = Math.min(aEnd - a, bEnd - b);
  for (let i = 0; i < n; i++) {
    const d = src[a + i]! - src[b + i]!;
    if (d !== 0) return d;
  }
  return aEnd - a - (bEnd - b);
}

/** `{name="value", …}` for error messages, read leniently from raw label fields. */
export function describeLabels(src: Buffer, start: number, end: number): string {
  const c = new Cursor(src);
  c.pos = start;
  const parts: string[] = [];
  try {
    while (c.pos < end && parts.length < 20) {
      const key = c.key(end);
      if (key !== 0x0a) {
        c.skip(key & 7, end, c.pos);
        continue;
      }
      const len = c.length(end);
      const msgEnd = c.pos + len;
      let name = '';
      let value = '';
      while (c.pos < msgEnd) {
        const k = c.key(msgEnd);
        if (k === 0x0a || k === 0x12) {
          const n = c.length(msgEnd);
          const s = c.utf8(c.pos, c.pos + n);
          if (k === 0x0a) name = s;
          else value = s;
          c.pos += n;
        } else c.skip(k & 7, msgEnd, c.pos);
      }
      parts.push(`${name}=${JSON.stringify(value)}`);
    }
  } catch {
    parts.push('…');
  }
  const text = `{${parts.join(', ')}}`;
  return text.length > 400 ? `${text.slice(0, 400)}…}` : text;
}

// Label fields of one entry copied together, for the rare entry whose label fields are not
// adjacent on the wire.
export function gatherLabelFields(c: Cursor, s: number, e: number): Buffer {
  const parts: Buffer[] = [];
  c.pos = s;
  while (c.pos < e) {
    const at = c.pos;
    const key = c.key(e);
    c.skip(key & 7, e, at);
    if (key === 0x0a) parts.push(c.buf.subarray(at, c.pos));
  }
  return Buffer.concat(parts);
}

/** A label-set builder with its own interned label names (one per decoder, no shared state). */
export function createLabelBuilder(limits: LabelLimits): BuildLabels {
  const { maxLabels, maxNameBytes, maxValueBytes } = limits;
  // Label names repeat across nearly every series; keep one string each (memory, not speed).
  const names = new Map<string, string>();
  // Scratch reused across misses: [ns, ne, vs, ve) of each label kept, and the key's bytes.
  let spans = new Int32Array(64);
  let keyBytes = Buffer.allocUnsafeSlow(1024);
  const lastNames: string[] = [];

  function labelError(reason: string, problem: string, src: Buffer, s: number, e: number): RequestError {
    return new RequestError(400, reason, `invalid series ${describeLabels(src, s, e)}: ${problem}`);
  }

  // Builds and validates a label set from raw label fields (a cache miss). In Prometheus an
  // empty label value is the same as an absent label, so empty-valued labels are dropped here
  // (after the order/duplicate checks, which apply to the labels as sent).
  // Validation comes first, recording the kept labels' byte ranges; the strings are built after
  // (seriesFromKeyBytes, or the general way below), so that an invalid set builds none.
  function buildLabels(src: Buffer, s: number, e: number): SeriesRef {
    const c = new Cursor(src);
    c.pos = s;
    // One pass over the raw bytes: when all are ASCII, every name and value is valid UTF-8 and
    // latin1Slice builds the same strings faster. Per-label isUtf8 calls measured ~1.7 µs/series.
    let ascii = true;
    for (let i = s; i < e; i++) {
      if (src[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    let count = 0;
    let prevName = -1;
    let prevNameEnd = -1;
    let kept = 0;
    while (c.pos < e) {
      c.key(e); // label fields only, by construction of the key range
      const msgLen = c.length(e);
      const msgEnd = c.pos + msgLen;
      let ns = 0;
      let ne = 0;
      let vs = 0;
      let ve = 0;
      while (c.pos < msgEnd) {
        const at = c.pos;
        const key = c.key(msgEnd);
        const field = key >>> 3;
        if (field === 1 || field === 2) {
          if ((key & 7) !== WT_LEN) throw wrongWireType(field, key & 7, at);
          const len = c.length(msgEnd);
          if (field === 1) ns = c.pos;
          else vs = c.pos;
          c.pos += len;
          if (field === 1) ne = c.pos;
          else ve = c.pos;
        } else c.skip(key & 7, msgEnd, at);
      }
      if (++count > maxLabels) {
        throw labelError('too_many_labels', `more than ${maxLabels} labels`, src, s, e);
      }
      if (ne === ns) throw labelError('empty_label_name', 'empty label name', src, s, e);
      if (ne - ns > maxNameBytes) {
        throw labelError('label_too_long', `label name longer than ${maxNameBytes} bytes`, src, s, e);
      }
      if (ve - vs > maxValueBytes) {
        const name = c.utf8(ns, ne);
        throw labelError('label_too_long', `value of ${name} longer than ${maxValueBytes} bytes`, src, s, e);
      }
      if (!ascii && (!isUtf8(src.subarray(ns, ne)) || !isUtf8(src.subarray(vs, ve)))) {
        throw labelError('invalid_utf8', 'label name or value is not valid UTF-8', src, s, e);
      }
      if (prevName >= 0) {
        const order = compareRanges(src, prevName, prevNameEnd, ns, ne);
        if (order === 0) {
          throw labelError('duplicate_label', `duplicate label name ${c.utf8(ns, ne)}`, src, s, e);
        }
        if (order > 0) {
          const problem = `labels not sorted: ${c.utf8(prevName, prevNameEnd)} before ${c.utf8(ns, ne)}`;
          throw labelError('unsorted_labels', problem, src, s, e);
        }
      }
      prevName = ns;
      prevNameEnd = ne;
      if (ve > vs) {
        if (4 * kept + 4 > spans.length) spans = growInt32(spans, 4 * kept + 4);
        spans[4 * kept] = ns;
        spans[4 * kept + 1] = ne;
        spans[4 * kept + 2] = vs;
        spans[4 * kept + 3] = ve;
        kept++;
      }
    }
    if (ascii) {
      const ref = seriesFromKeyBytes(src, kept);
      if (ref !== null) return ref;
    }
    const text = (from: number, to: number): string =>
      ascii ? src.toString('latin1', from, to) : c.utf8(from, to);
    const labels: Label[] = [];
    for (let i = 0; i < kept; i++) {
      const p = 4 * i;
      labels.push({
        name: intern(text(spans[p]!, spans[p + 1]!)),
        value: text(spans[p + 2]!, spans[p + 3]!),
      });
    }
    return makeSeriesRef(labels);
  }

  // The common case, all-ASCII labels with nothing JSON escapes (control characters, `"`, `\`):
  // seriesKey's JSON is then the raw bytes between quotes, so the key is built from the bytes as
  // one string and each value is a substring of it (V8 shares the key's characters for values of
  // 13+ characters). Fewer and smaller long-lived strings per series is most of the cold-path
  // gain: nearly everything a miss allocates survives into the old generation. Returns null
  // when a byte needs escaping; the caller then builds the labels and key the general way.
  function seriesFromKeyBytes(src: Buffer, kept: number): SeriesRef | null {
    let need = 2;
    for (let i = 0; i < kept; i++) {
      const p = 4 * i;
      need += spans[p + 1]! - spans[p]! + spans[p + 3]! - spans[p + 2]! + 6;
    }
    if (need > keyBytes.length) keyBytes = Buffer.allocUnsafeSlow(Math.max(2 * keyBytes.length, need));
    const out = keyBytes;
    let j = 0;
    out[j++] = 0x5b; // [
    for (let i = 0; i < kept; i++) {
      const p = 4 * i;
      if (i > 0) out[j++] = 0x2c; // ,
      out[j++] = 0x22; // "
      for (let x = spans[p]!, end = spans[p + 1]!; x < end; x++) {
        const b = src[x]!;
        if (b < 0x20 || b === 0x22 || b === 0x5c) return null;
        out[j++] = b;
      }
      out[j++] = 0x22;
      out[j++] = 0x2c;
      out[j++] = 0x22;
      for (let x = spans[p + 2]!, end = spans[p + 3]!; x < end; x++) {
        const b = src[x]!;
        if (b < 0x20 || b === 0x22 || b === 0x5c) return null;
        out[j++] = b;
      }
      out[j++] = 0x22;
    }
    out[j++] = 0x5d; // ]
    const key = out.toString('latin1', 0, j);
    const labels: Label[] = [];
    let metricName = '';
    let at = 2; // after `["`; each name and value is followed by `","` (3 characters)
    for (let i = 0; i < kept; i++) {
      const p = 4 * i;
      const nameEnd = at + spans[p + 1]! - spans[p]!;
      // Series of one target share their label names in order: try the last series' name first.
      let name = lastNames[i];
      if (name === undefined || !sameText(name, out, at, nameEnd)) {
        name = intern(key.substring(at, nameEnd));
        lastNames[i] = name;
      }
      at = nameEnd + 3;
      const valueEnd = at + spans[p + 3]! - spans[p + 2]!;
      const value = key.substring(at, valueEnd);
      at = valueEnd + 3;
      if (name === '__name__') metricName = value;
      labels.push({ name, value });
    }
    // The same shape and values as makeSeriesRef(labels).
    return { labels, key, metricName };
  }

  function intern(name: string): string {
    const known = names.get(name);
    if (known !== undefined) return known;
    if (names.size >= MAX_INTERNED_NAMES) names.clear();
    names.set(name, name);
    return name;
  }

  return buildLabels;
}
