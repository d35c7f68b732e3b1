// Label values InfluxDB 1.x cannot hold verbatim in a tag, stored in a reversible form instead
// of being dropped or corrupted (issue 3 item 2). Verified against 1.6.7 (README "Escaping"):
// a newline, CR or NUL ends the line; a backslash right before an escaped delimiter or at the
// end of the value cannot be written at all (1.x never unescapes `\\`). Such a value is stored
// as MARKER + the value with `%`, `\`, LF, CR and NUL percent-encoded. A value that itself
// starts with MARKER is encoded too, so decoding is unambiguous.
//
// A value longer than LONG_VALUE_BYTES would push the series key towards InfluxDB's 64 KiB
// limit; its tag holds MARKER + "%H" + sha256 instead (a percent-encoded body never contains
// "%H") and the full value travels in the string field MARKER + label name of every point.

import { createHash } from 'node:crypto';

/** U+FDD0 is a Unicode noncharacter ("for internal use"): no real label value starts with it. */
export const TAG_MARKER = '\u{FDD0}';

// Characters that make a tag value (or key, or measurement) unwritable in line protocol.
const BREAKS_LINE = /[\n\r\0]/;
// A backslash before a delimiter we must escape, or at the very end.
const BAD_BACKSLASH = /\\(?=[,= ]|$)/;

/** True when `text` can be written verbatim (after the usual escaping) as a tag key or value. */
export function isVerbatimTagText(text: string): boolean {
  return !BREAKS_LINE.test(text) && !BAD_BACKSLASH.test(text);
}

function percent(ch: string): string {
  return '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
}

/** Label values longer than this (UTF-8 bytes) are stored hashed, the value in a field. */
export const LONG_VALUE_BYTES = 16 * 1024;
const HASHED = TAG_MARKER + '%H';

/** The tag value stored for a label value. */
export function encodeTagValue(value: string): string {
  if (value.length > LONG_VALUE_BYTES / 3 && Buffer.byteLength(value) > LONG_VALUE_BYTES) {
    return HASHED + createHash('sha256').update(value).digest('hex');
  }
  if (isVerbatimTagText(value) && !value.startsWith(TAG_MARKER)) return value;
  return TAG_MARKER + value.replace(/[%\\\n\r\0]/g, percent);
}

/** True when the stored tag is a hash whose value is in the field labelField(name). */
export function isHashedTagValue(stored: string): boolean {
  return stored.startsWith(HASHED);
}

/** The string field carrying the full value of a hashed label. */
export function labelField(name: string): string {
  return TAG_MARKER + name;
}

/** The label value a stored tag value stands for. */
export function decodeTagValue(stored: string): string {
  if (!stored.startsWith(TAG_MARKER)) return stored;
  return stored
    .slice(TAG_MARKER.length)
    .replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
