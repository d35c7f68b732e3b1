// Values and timestamps as OpenTSDB's /api/put parses them (protocols.md §8.3).
//
// Values: OpenTSDB rejects NaN and ±Inf, so they are never sent; each is counted as a
// rejection (unsupported_nan, unsupported_stale_marker, unsupported_inf). A value written
// without `.`/`e` is parsed as a signed 64-bit integer, so integral doubles beyond 2^53 go out
// in exponent form (`1e+20`, not `100000000000000000000`, which OpenTSDB cannot parse), and
// -0 as `-0.0` (as `-0` it would become the integer 0).
// Timestamps: 13 digits are milliseconds, ≤ 10 digits seconds. Milliseconds outside
// 1e12…9999999999999 are sent as seconds when they are whole seconds > 0, else rejected
// (timestamp_out_of_range) — sending them as they are would store the wrong time.

import { STALE_NAN_HI, STALE_NAN_LO, valueWords } from '../../src/adapter.js';

const MIN_MS = 1_000_000_000_000;
const MAX_MS = 9_999_999_999_999;
const EXACT_INTEGER = 2 ** 53;

export type ValueReason = 'unsupported_nan' | 'unsupported_stale_marker' | 'unsupported_inf';

/** Why values[i] cannot be stored in OpenTSDB, or undefined when it can. */
export function unsupportedValue(values: Float64Array, i: number): ValueReason | undefined {
  const v = values[i]!;
  if (Number.isFinite(v)) return undefined;
  if (v === Infinity || v === -Infinity) return 'unsupported_inf';
  const [lo, hi] = valueWords(values, i);
  return hi === STALE_NAN_HI && lo === STALE_NAN_LO ? 'unsupported_stale_marker' : 'unsupported_nan';
}

/** JSON text of a finite value that OpenTSDB parses back to the same double (2.4+). */
export function formatValue(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0';
  if (Number.isInteger(v)) return Math.abs(v) <= EXACT_INTEGER ? String(v) : v.toExponential();
  return String(v);
}

/** The timestamp as sent (ms or whole seconds), or undefined when OpenTSDB cannot hold it. */
export function formatTimestamp(ms: number): string | undefined {
  if (ms >= MIN_MS && ms <= MAX_MS) return String(ms);
  if (ms > 0 && ms < MIN_MS && ms % 1000 === 0) return String(ms / 1000);
  return undefined;
}
