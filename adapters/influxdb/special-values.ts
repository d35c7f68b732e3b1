// NaN, ±Inf and the stale marker cannot be a float field in InfluxDB (a whole 1.6 batch fails
// on one Inf). They are stored with the float field `value` omitted and the string field
// `value_special` naming the exact 64 bits, so InfluxQL/Flux users who read `value` never see
// them and remote read restores them bit for bit (README "Special values").

import { setValueWords, valueWords } from '../../src/adapter.js';

/** The field holding the special value's name. */
export const SPECIAL_FIELD = 'value_special';

const NAMED: readonly (readonly [name: string, hi: number, lo: number])[] = [
  ['+Inf', 0x7ff00000, 0],
  ['-Inf', 0xfff00000, 0],
  // Prometheus' staleness marker (model/value.StaleNaN).
  ['stale', 0x7ff00000, 2],
  // Go's math.NaN(), what Prometheus itself writes for NaN.
  ['NaN', 0x7ff80000, 1],
];

/** True when values[index] is NaN or ±Inf (exponent bits all ones). */
export function isSpecial(values: Float64Array, index: number): boolean {
  const [, hi] = valueWords(values, index);
  return (hi & 0x7ff00000) === 0x7ff00000;
}

/** The name stored in value_special: +Inf, -Inf, stale, NaN, or 0x + 16 hex digits. */
export function specialName(values: Float64Array, index: number): string {
  const [lo, hi] = valueWords(values, index);
  for (const [name, h, l] of NAMED) if (h === hi && l === lo) return name;
  return '0x' + hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Writes the bits a value_special name stands for; false when the name is not one of ours. */
export function setSpecial(values: Float64Array, index: number, name: string): boolean {
  for (const [n, hi, lo] of NAMED) {
    if (n === name) {
      setValueWords(values, index, lo, hi);
      return true;
    }
  }
  const m = /^0x([0-9a-f]{8})([0-9a-f]{8})$/.exec(name);
  if (!m) return false;
  setValueWords(values, index, parseInt(m[2]!, 16), parseInt(m[1]!, 16));
  return true;
}

/** Shortest round-trip text of a finite float, as a line-protocol float literal. */
export function formatFloat(value: number): string {
  // String(-0) is "0"; InfluxDB 1.6.7 stores and returns -0 when sent "-0" (verified).
  return value === 0 && 1 / value < 0 ? '-0' : String(value);
}
