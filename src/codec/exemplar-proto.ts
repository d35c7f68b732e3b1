// Exemplar messages of both remote-write versions (protocols.md §2.2 and §3.3) into the model's
// Exemplar: labels (1.0: Label messages; 2.0: refs into the symbols table, resolved by the
// caller's function), the value's exact bits and the timestamp. Empty-valued labels are dropped,
// as for series labels: an empty value means "absent".

import { isUtf8 } from 'node:buffer';
import { RequestError } from '../errors.js';
import {
  MAX_SAFE_TIMESTAMP_MS,
  MIN_SAFE_TIMESTAMP_MS,
  sortLabels,
  type Exemplar,
  type Label,
} from '../model.js';
import { corrupt, WT_LEN, WT_VARINT, wrongWireType, type Cursor } from './proto-cursor.js';

const WT_FIXED64 = 1;

/**
 * Prometheus' limit on an exemplar's label set: 128 characters (runes) over all names and values
 * (ExemplarMaxLabelSetLength); it never stores or sends a longer one. Checked here so that a
 * hostile exemplar cannot carry unbounded labels.
 */
export const MAX_EXEMPLAR_LABEL_RUNES = 128;

function labelsTooLong(at: number): RequestError {
  return new RequestError(
    400,
    'exemplar_labels_too_long',
    `exemplar at byte ${at}: its labels are longer than ${MAX_EXEMPLAR_LABEL_RUNES} characters in all`,
  );
}

function runes(s: string): number {
  let n = 0;
  for (const _char of s) n++;
  return n;
}

function label(c: Cursor, end: number): Label {
  let name = '';
  let value = '';
  while (c.pos < end) {
    const at = c.pos;
    const key = c.key(end);
    const field = key >>> 3;
    if (field === 1 || field === 2) {
      if ((key & 7) !== WT_LEN) throw wrongWireType(field, key & 7, at);
      const len = c.length(end);
      if (!isUtf8(c.buf.subarray(c.pos, c.pos + len))) {
        throw new RequestError(400, 'invalid_utf8', `exemplar label at byte ${at} is not valid UTF-8`);
      }
      const text = c.utf8(c.pos, c.pos + len);
      c.pos += len;
      if (field === 1) name = text;
      else value = text;
    } else c.skip(key & 7, end, at);
  }
  return { name, value };
}

/**
 * Decodes one Exemplar from c.pos to end. `refLabels` resolves 2.0's label refs (called with
 * the refs in order, it returns the labels or throws a 400); 1.0 passes undefined.
 */
export function decodeExemplar(
  c: Cursor,
  end: number,
  refLabels?: (refs: readonly number[], at: number) => Label[],
): Exemplar {
  const start = c.pos;
  const labels: Label[] = [];
  const refs: number[] = [];
  let valueBits = 0n;
  let timestampMs = 0;
  while (c.pos < end) {
    const at = c.pos;
    const key = c.key(end);
    const field = key >>> 3;
    const wt = key & 7;
    if (field === 1) {
      // Every label takes at least one character, so a count over the limit is refused early.
      if (refLabels === undefined) {
        if (wt !== WT_LEN) throw wrongWireType(field, wt, at);
        const len = c.length(end);
        labels.push(label(c, c.pos + len));
        if (labels.length > MAX_EXEMPLAR_LABEL_RUNES) throw labelsTooLong(start);
      } else if (wt === WT_LEN) {
        const len = c.length(end);
        const stop = c.pos + len;
        while (c.pos < stop) {
          refs.push(c.varint(stop));
          if (refs.length > 2 * MAX_EXEMPLAR_LABEL_RUNES) throw labelsTooLong(start);
        }
      } else if (wt === WT_VARINT) {
        refs.push(c.varint(end));
        if (refs.length > 2 * MAX_EXEMPLAR_LABEL_RUNES) throw labelsTooLong(start);
      } else throw wrongWireType(field, wt, at);
    } else if (field === 2) {
      if (wt !== WT_FIXED64) throw wrongWireType(field, wt, at);
      if (end - c.pos < 8) throw corrupt('truncated double', c.pos);
      valueBits = c.buf.readBigUInt64LE(c.pos);
      c.pos += 8;
    } else if (field === 3) {
      if (wt !== WT_VARINT) throw wrongWireType(field, wt, at);
      timestampMs = c.int64(end);
      if (timestampMs > MAX_SAFE_TIMESTAMP_MS || timestampMs < MIN_SAFE_TIMESTAMP_MS) {
        throw new RequestError(400, 'invalid_timestamp', `exemplar timestamp outside ±2^53 ms at byte ${at}`);
      }
    } else c.skip(wt, end, at);
  }
  const all = (refLabels === undefined ? labels : refLabels(refs, start)).filter((l) => l.value !== '');
  let length = 0;
  for (const l of all) length += runes(l.name) + runes(l.value);
  if (length > MAX_EXEMPLAR_LABEL_RUNES) throw labelsTooLong(start);
  return { labels: sortLabels(all), timestampMs, valueBits };
}
