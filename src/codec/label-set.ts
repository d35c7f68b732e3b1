// Label sets from raw Label fields (remote write 1.0, protocols.md §2): building and validating
// them on a series-cache miss, copying label fields that are not adjacent on the wire, and
// describing them for error messages. Validation follows Prometheus: names non-empty, names and
// values valid UTF-8, names strictly sorted by bytes, optional count and length limits.

import { isUtf8 } from 'node:buffer';
import { RequestError } from '../errors.js';
import type { Label } from '../model.js';
import { Cursor, WT_LEN, wrongWireType } from './proto-cursor.js';

export interface LabelLimits {
  readonly maxLabels: number;
  readonly maxNameBytes: number;
  readonly maxValueBytes: number;
}

/** Builds the label set of raw label fields src[s, e); throws RequestError(400) on invalid labels. */
export type BuildLabels = (src: Buffer, s: number, e: number) => Label[];

const MAX_INTERNED_NAMES = 10_000;

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

  function labelError(reason: string, problem: string, src: Buffer, s: number, e: number): RequestError {
    return new RequestError(400, reason, `invalid series ${describeLabels(src, s, e)}: ${problem}`);
  }

  // Builds and validates a label set from raw label fields (a cache miss). In Prometheus an
  // empty label value is the same as an absent label, so empty-valued labels are dropped here
  // (after the order/duplicate checks, which apply to the labels as sent).
  function buildLabels(src: Buffer, s: number, e: number): Label[] {
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
    const text = (from: number, to: number): string =>
      ascii ? src.toString('latin1', from, to) : c.utf8(from, to);
    const labels: Label[] = [];
    let count = 0;
    let prevName = -1;
    let prevNameEnd = -1;
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
      if (ve > vs) labels.push({ name: intern(text(ns, ne)), value: text(vs, ve) });
    }
    return labels;
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
