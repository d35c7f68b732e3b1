// `mode: tags` escaping: a reversible percent-encoding of exactly the characters Graphite 1.1
// forbids or mangles in tagged series (protocols.md §8.2), applied to tag names, tag values and
// the metric name alike. Other characters (UTF-8 included) stay as they are, so ordinary
// Prometheus names and values are stored unchanged and readable in Graphite.
//
//   `;` `!` `^` `=` `~`   forbidden in tag names, or in values (`;`, leading `~`) — escaped anywhere
//   whitespace, controls  carbon's line split (Python str.split() also splits on U+0085, U+00A0,
//                         U+1680, U+2000–U+200A, U+2028/9, U+202F, U+205F, U+3000)
//   `'` `"` `\`           quoting inside seriesByTag('…') on read
//   `%`                   the escape character itself
//   empty string          `%` alone (a value may not be empty; only the metric name can be)
// A plain (untagged) metric name is a whisper path, so for it `.` `/` and the glob characters
// `* ? [ ] { }` are escaped too.

const utf8 = new TextEncoder();

/** The empty value's code: `%` alone never occurs in an escaped non-empty string. */
export const EMPTY_VALUE = '%';

function isWhitespaceOrControl(c: number): boolean {
  return (
    c <= 0x20 ||
    (c >= 0x7f && c <= 0xa0) ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const TAG_SPECIAL = new Set([';', '!', '^', '=', '~', '%', "'", '"', '\\'].map((c) => c.charCodeAt(0)));
const PATH_SPECIAL = new Set(['.', '/', '*', '?', '[', ']', '{', '}'].map((c) => c.charCodeAt(0)));

function needsEscape(c: number, plainPath: boolean): boolean {
  return TAG_SPECIAL.has(c) || isWhitespaceOrControl(c) || (plainPath && PATH_SPECIAL.has(c));
}

function percent(ch: string): string {
  let out = '';
  for (const b of utf8.encode(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  return out;
}

/** Escapes a tag name, tag value or tagged metric name; `plainPath` for an untagged name. */
export function escapeTag(value: string, plainPath = false): string {
  if (value === '') return EMPTY_VALUE;
  let i = 0;
  while (i < value.length && !needsEscape(value.charCodeAt(i), plainPath)) i++;
  if (i === value.length) return value;
  let out = value.slice(0, i);
  for (const ch of value.slice(i)) {
    // for..of walks code points, so an astral character is never split.
    out += needsEscape(ch.charCodeAt(0), plainPath) ? percent(ch) : ch;
  }
  return out;
}

/**
 * Reverses escapeTag. Returns undefined for text escapeTag cannot have produced (for example a
 * series written to Graphite by something else with a raw `%`): the caller keeps it verbatim.
 */
export function unescapeTag(text: string): string | undefined {
  if (text === EMPTY_VALUE) return '';
  if (!text.includes('%')) return text;
  if (!/^(?:[^%]|%[0-9A-F]{2})*$/.test(text)) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
