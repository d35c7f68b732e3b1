// `mode: path` naming, byte for byte the legacy remote_storage_adapter's Graphite writer
// (protocols.md §6.3): prefix (no separator) + escape(metric name), then `.name.escape(value)`
// for every other label in byte order. The escaping works on UTF-8 bytes and prints hex with
// Go's %X, so bytes below 0x10 get ONE digit (`\n` → `%A`, protocols.md trap 24).

import type { Labels } from '../../src/adapter.js';

const utf8 = new TextEncoder();
const HEX_ESCAPED = new Set([0x2e, 0x25, 0x2f, 0x3d]); // . % / =
const BACKSLASHED = new Set([0x28, 0x29, 0x7b, 0x7d, 0x2c, 0x27, 0x22, 0x5c]); // ( ) { } , ' " \

function isPlain(code: number): boolean {
  return code >= 0x21 && code <= 0x7e && !HEX_ESCAPED.has(code) && !BACKSLASHED.has(code);
}

/** The legacy escape of one label value (or metric name). */
export function escapeLegacy(value: string): string {
  let plain = true;
  for (let i = 0; i < value.length && plain; i++) plain = isPlain(value.charCodeAt(i));
  if (plain) return value;
  let out = '';
  for (const b of utf8.encode(value)) {
    if (isPlain(b)) out += String.fromCharCode(b);
    else if (BACKSLASHED.has(b)) out += '\\' + String.fromCharCode(b);
    else out += '%' + b.toString(16).toUpperCase();
  }
  return out;
}

/** The legacy path of a label set; label names are written unescaped, as the legacy adapter did. */
export function legacyPath(prefix: string, labels: Labels): string {
  let name = '';
  let rest = '';
  for (const l of labels) {
    if (l.name === '__name__') name = l.value;
    else if (l.name !== '') rest += `.${l.name}.${escapeLegacy(l.value)}`;
  }
  return prefix + escapeLegacy(name) + rest;
}

const HEX = /^[0-9A-F]$/;

/**
 * Reverses escapeLegacy. `%` takes two hex digits when two follow, else one: the legacy format
 * cannot tell `%1A` (0x1A) from `%1` + `A` (0x01, "A"), so a value holding a byte below 0x10
 * followed by a hex digit reads back differently (README, open points). Returns undefined for
 * text escapeLegacy cannot have produced.
 */
export function unescapeLegacy(text: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      const next = text.charCodeAt(++i);
      if (!BACKSLASHED.has(next)) return undefined;
      bytes.push(next);
    } else if (c === 0x25) {
      const d1 = text[i + 1];
      if (d1 === undefined || !HEX.test(d1)) return undefined;
      const d2 = text[i + 2];
      const two = d2 !== undefined && HEX.test(d2) && d1 !== '0';
      bytes.push(parseInt(two ? d1 + d2 : d1, 16));
      i += two ? 2 : 1;
    } else if (isPlain(c)) bytes.push(c);
    else return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Labels from a legacy path, when the path maps back unambiguously: it starts with the prefix,
 * has a name node and name/value pairs, label names are legacy names in strictly ascending
 * order and every node unescapes. Otherwise undefined (the reader skips the path).
 */
export function parseLegacyPath(prefix: string, path: string): { name: string; value: string }[] | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const nodes = path.slice(prefix.length).split('.');
  if (nodes.length % 2 !== 1) return undefined;
  const metric = unescapeLegacy(nodes[0]!);
  if (metric === undefined || metric === '') return undefined;
  const labels = [{ name: '__name__', value: metric }];
  let previous = '';
  for (let i = 1; i < nodes.length; i += 2) {
    const name = nodes[i]!;
    const value = unescapeLegacy(nodes[i + 1]!);
    if (!LEGACY_LABEL_NAME.test(name) || name <= previous || value === undefined || value === '')
      return undefined;
    if (name === '__name__') return undefined;
    labels.push({ name, value });
    previous = name;
  }
  return labels;
}
