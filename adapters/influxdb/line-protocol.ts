// Line protocol for one series (protocols.md §8.1), computed once per series and cached by the
// adapter instance: measurement = metric name, every label (including __name__) a tag, as
// InfluxDB 1.x's own /api/v1/prom/write stores it, so both writers' data is the same to readers.

import type { SeriesRef } from '../../src/adapter.js';
import { encodeTagValue, isHashedTagValue, isVerbatimTagText, labelField } from './tag-codec.js';

/** Measurement of a series without __name__, as InfluxDB's own endpoint names it. */
export const NO_NAME_MEASUREMENT = 'prom_metric_not_specified';
/** InfluxDB 1.x refuses a series key (measurement + tags, escaped) longer than this. */
export const MAX_SERIES_KEY_BYTES = 65_535;

export type SeriesLine =
  | {
      readonly ok: true;
      /** "measurement,tag=v,... " (note the trailing space) */
      readonly prefix: string;
      /** ',field="value"' for each hashed (long) label, appended to every point; usually "". */
      readonly labelFields: string;
    }
  | { readonly ok: false; readonly reason: string; readonly why: string };

const escapeMeasurement = (s: string): string => s.replace(/[, ]/g, '\\$&');
const escapeTag = (s: string): string => s.replace(/[,= ]/g, '\\$&');

export function seriesLine(series: SeriesRef): SeriesLine {
  const name = series.metricName === '' ? NO_NAME_MEASUREMENT : series.metricName;
  // A leading '#' would make the line a comment: InfluxDB would answer 204 and store nothing.
  if (!isVerbatimTagText(name) || name.startsWith('#')) {
    return {
      ok: false,
      reason: 'influx_bad_measurement',
      why: 'metric name cannot be an InfluxDB measurement (newline, CR, NUL, leading #, or a backslash before a delimiter or at the end)',
    };
  }
  let line = escapeMeasurement(name);
  let labelFields = '';
  for (const label of series.labels) {
    if (!isVerbatimTagText(label.name)) {
      return {
        ok: false,
        reason: 'influx_bad_tag_key',
        why: `label name ${JSON.stringify(label.name.slice(0, 100))} cannot be an InfluxDB tag key`,
      };
    }
    const stored = encodeTagValue(label.value);
    line += ',' + escapeTag(label.name) + '=' + escapeTag(stored);
    if (isHashedTagValue(stored)) {
      labelFields += `,${escapeTag(labelField(label.name))}="${label.value.replace(/["\\]/g, '\\$&')}"`;
    }
  }
  if (Buffer.byteLength(line) > MAX_SERIES_KEY_BYTES) {
    return {
      ok: false,
      reason: 'influx_series_key_too_long',
      why: `series key of ${Buffer.byteLength(line)} bytes exceeds InfluxDB's ${MAX_SERIES_KEY_BYTES}`,
    };
  }
  return { ok: true, prefix: line + ' ', labelFields };
}
