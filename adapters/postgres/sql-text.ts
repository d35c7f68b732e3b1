// Hand-built parameter texts (array literals, float8 texts, value bits). Values never pass
// through a JS number when they are NaN: the words are read from a Uint32Array view.

/** Words view over a Float64Array (always 8-byte aligned, so the view is exact). */
export function wordsOf(values: Float64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** True when the double with these words is a NaN (any payload, any sign). */
export function isNaNWords(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0x000fffff) !== 0 || lo !== 0);
}

/**
 * float8 input text for a non-NaN value: JS gives the shortest text that parses back to the
 * same double, which float8in reads exactly. -0 needs its own case (String(-0) is "0").
 */
export function float8Text(value: number, lo: number, hi: number): string {
  if (hi === 0x80000000 && lo === 0) return '-0';
  return String(value);
}

/** A NaN's 64 bits as the signed decimal a bigint column stores. */
export function nanBitsText(lo: number, hi: number): string {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** `{a,b,c}` for elements that need no quoting (numbers, NaN, Infinity, NULL). */
export function plainArray(elements: readonly string[]): string {
  return `{${elements.join(',')}}`;
}

/** `{"x","y"}` for arbitrary text: inside double quotes only `"` and `\` need a backslash. */
export function textArray(elements: readonly string[]): string {
  return `{${elements.map((e) => `"${e.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** bytea[] literal from hex strings (`\x` input format, its backslash escaped for the array). */
export function byteaHexArray(hexes: readonly string[]): string {
  return `{${hexes.map((h) => `"\\\\x${h}"`).join(',')}}`;
}

/** SQL expression of the value's exact bits as 16 hex digits (NaN payload from value_bits). */
export const VALUE_HEX_SQL =
  "CASE WHEN value_bits IS NULL THEN encode(float8send(value), 'hex') ELSE lpad(to_hex(value_bits), 16, '0') END";

/** Writes the double whose bits are 16 hex digits into words[2i], words[2i+1]. */
export function setWordsFromHex(words: Uint32Array, index: number, hex: string): void {
  words[2 * index + 1] = parseInt(hex.slice(0, 8), 16);
  words[2 * index] = parseInt(hex.slice(8, 16), 16);
}

/** NUL cannot be stored in PostgreSQL text; a lone surrogate cannot be encoded as UTF-8. */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'nul_in_label';
  if (/\p{Surrogate}/u.test(text)) return 'invalid_unicode';
  return undefined;
}
