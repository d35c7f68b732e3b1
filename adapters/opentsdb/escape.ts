// Escaping of metric names, tag keys and tag values into OpenTSDB's character set
// (letters, digits, `-` `_` `.` `/`; protocols.md §8.3), compatible with the legacy
// remote_storage_adapter (protocols.md §6.4) and reversible.
//
// Legacy rule, byte by byte over UTF-8: `-` `.` `/` `0-9` `A-Z` `a-z` stay; `_` ⇒ `__`;
// `:` ⇒ `_.`; any other byte ⇒ `_` + Go `%X` of the byte. `%X` gives ONE hex digit for bytes
// below 0x10 (`\n` ⇒ `_A`), so the legacy form is ambiguous when such a byte is followed by a
// literal `0-9A-F` (`"\nB"` ⇒ `_AB`, which also reads as byte 0xAB; protocols.md §0 trap 24).
// Our rule: identical output for every byte ≥ 0x10, and for a byte < 0x10 the legacy single
// digit unless the next output character is an upper-case hex digit; then two digits (`_0A`).
// The legacy writer never produces `_0X`, so the decoder reads greedily: after `_`, one hex
// digit plus a second one when present.

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const HEX = '0123456789ABCDEF';

/** Bytes that pass unchanged: `-` `.` `/` `0-9` `A-Z` `a-z`. */
function isLiteral(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    b === 0x2d ||
    b === 0x2e ||
    b === 0x2f
  );
}

function isUpperHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46);
}

const PLAIN = /^[A-Za-z0-9./-]*$/;

/** Escapes any string (well-formed Unicode) into OpenTSDB's character set. */
export function escapeName(text: string): string {
  if (PLAIN.test(text)) return text;
  const bytes = utf8Encoder.encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (isLiteral(b)) out += String.fromCharCode(b);
    else if (b === 0x5f) out += '__';
    else if (b === 0x3a) out += '_.';
    else if (b >= 0x10) out += '_' + HEX[b >> 4]! + HEX[b & 15]!;
    else {
      // Only a literal hex digit can follow as a hex digit; `_`-escapes start with `_`.
      const next = i + 1 < bytes.length ? bytes[i + 1]! : -1;
      out += isUpperHex(next) ? '_0' + HEX[b]! : '_' + HEX[b]!;
    }
  }
  return out;
}

function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : c - 0x41 + 10;
}

/**
 * Inverse of escapeName. Lenient with text it did not produce (data written by other
 * tools): a `_` not followed by `_`, `.` or a hex digit stays as is, non-ASCII letters stay,
 * and if the bytes do not form UTF-8 the text is returned unchanged.
 */
export function unescapeName(text: string): string {
  if (!text.includes('_')) return text;
  const src = utf8Encoder.encode(text);
  const out = new Uint8Array(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c !== 0x5f || i + 1 >= src.length) {
      out[n++] = c;
      continue;
    }
    const d = src[i + 1]!;
    if (d === 0x5f) {
      out[n++] = 0x5f;
      i++;
    } else if (d === 0x2e) {
      out[n++] = 0x3a;
      i++;
    } else if (isUpperHex(d)) {
      let value = hexValue(d);
      i++;
      if (i + 1 < src.length && isUpperHex(src[i + 1]!)) {
        value = value * 16 + hexValue(src[i + 1]!);
        i++;
      }
      out[n++] = value;
    } else {
      out[n++] = c;
    }
  }
  try {
    return utf8Decoder.decode(out.subarray(0, n));
  } catch {
    return text;
  }
}
