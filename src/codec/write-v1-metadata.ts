// MetricMetadata messages of a WriteRequest (remote write 1.0, protocols.md §2): type, family
// name, help and unit. Metadata is informational, so text is decoded leniently; the wire
// structure is checked as strictly as everywhere else.

import type { MetricMetadata } from '../model.js';
import { WT_LEN, WT_VARINT, wrongWireType, type Cursor } from './proto-cursor.js';

/** Decodes one MetricMetadata message from c.pos to end. */
export function decodeMetadata(c: Cursor, end: number): MetricMetadata {
  let type = 0;
  let metricFamilyName = '';
  let help = '';
  let unit = '';
  while (c.pos < end) {
    const at = c.pos;
    const key = c.key(end);
    const field = key >>> 3;
    const wt = key & 7;
    if (field === 1) {
      if (wt !== WT_VARINT) throw wrongWireType(field, wt, at);
      type = c.int32(end);
    } else if (field === 2 || field === 4 || field === 5) {
      if (wt !== WT_LEN) throw wrongWireType(field, wt, at);
      const len = c.length(end);
      // Metadata is informational: invalid UTF-8 is replaced, not rejected.
      const text = c.utf8(c.pos, c.pos + len);
      c.pos += len;
      if (field === 2) metricFamilyName = text;
      else if (field === 4) help = text;
      else unit = text;
    } else c.skip(wt, end, at);
  }
  return { type, metricFamilyName, help, unit };
}
