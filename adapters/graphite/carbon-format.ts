// What one sample becomes on the wire: seconds, and the value in the shortest text that reads
// back to the same double (JS Number→string is shortest round-trip; Python float() parses it),
// never Go's %f of the legacy adapter, which kept 6 decimals.

import { isStaleMarker, valueWords } from '../../src/adapter.js';

/** Why a sample cannot be stored in carbon; bounded reason codes (metric label values). */
export type SampleRejection = 'unsupported_stale' | 'unsupported_nan' | 'negative_timestamp';

/**
 * Carbon reads timestamps as seconds and whisper floors them to its step, so milliseconds are
 * floored here (floor, not round: a sample never moves into the next second). Two samples of a
 * series in one second land in one slot and carbon keeps the last one it receives.
 */
export function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Null when storable, else why not. Carbon drops NaN and reads timestamp -1 as "now". */
export function rejectSample(values: Float64Array, i: number, ms: number): SampleRejection | null {
  const v = values[i]!;
  if (v !== v) return isStaleMarker(values, i) ? 'unsupported_stale' : 'unsupported_nan';
  if (ms < 0) return 'negative_timestamp';
  return null;
}

/** Shortest round-trip text, with -0 kept (String(-0) is "0") and ±Inf as Python spells them. */
export function formatValue(values: Float64Array, i: number): string {
  const v = values[i]!;
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return valueWords(values, i)[1] === 0x80000000 ? '-0' : '0';
  return String(v);
}
