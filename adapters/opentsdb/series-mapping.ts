// A Prometheus label set ⇄ an OpenTSDB metric + tag map (README "Mapping and escaping").
//
// metric     = escapeName(__name__)                     (legacy)
// tag value  = escapeName(value)                        (legacy)
// tag key    = the label name as is when it matches [A-Za-z0-9_]+ (every legacy Prometheus
//              name, which the legacy writer sent raw); otherwise KEY_MARK + escapeName(name).
//              A raw key never starts with KEY_MARK, so decoding is unambiguous.
// placeholder: a series with no label besides __name__ gets one placeholder tag (OpenTSDB
//              needs ≥ 1 tag). A real label named like the placeholder key goes through the
//              KEY_MARK form, so a raw placeholder key always means "no labels".

import type { Label, Labels } from '../../src/adapter.js';
import { escapeName, unescapeName } from './escape.js';

export const KEY_MARK = '.';
const RAW_KEY = /^[A-Za-z0-9_]+$/;

export interface MappingOptions {
  readonly placeholderKey: string;
  readonly placeholderValue: string;
  readonly maxTags: number;
}

export interface MappedSeries {
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
  /** JSON of `"metric":…,"tags":{…}` shared by every point of the series. */
  readonly json: string;
}

export interface UnmappableSeries {
  /** Bounded reason code for the rejection. */
  readonly reason: 'no_metric_name' | 'too_many_tags';
  readonly message: string;
}

export function isRawTagKey(key: string): boolean {
  return RAW_KEY.test(key);
}

export function encodeTagKey(name: string, placeholderKey: string): string {
  return name !== placeholderKey && RAW_KEY.test(name) ? name : KEY_MARK + escapeName(name);
}

/** The label name for a tag key, or undefined for the placeholder key. */
export function decodeTagKey(key: string, placeholderKey: string): string | undefined {
  if (key.startsWith(KEY_MARK)) return unescapeName(key.slice(KEY_MARK.length));
  return key === placeholderKey ? undefined : key;
}

export function mapSeries(labels: Labels, o: MappingOptions): MappedSeries | UnmappableSeries {
  let metric: string | undefined;
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  let count = 0;
  for (const l of labels) {
    if (l.name === '__name__') metric = escapeName(l.value);
    else {
      tags[encodeTagKey(l.name, o.placeholderKey)] = escapeName(l.value);
      count++;
    }
  }
  if (metric === undefined || metric === '') {
    return { reason: 'no_metric_name', message: 'OpenTSDB needs a metric name; the series has no __name__' };
  }
  if (count === 0) {
    tags[o.placeholderKey] = o.placeholderValue;
    count = 1;
  }
  if (count > o.maxTags) {
    return {
      reason: 'too_many_tags',
      message: `the series has ${count} labels besides __name__; max_tags is ${o.maxTags} (OpenTSDB tsd.storage.max_tags)`,
    };
  }
  const json = `"metric":${JSON.stringify(metric)},"tags":${JSON.stringify(tags)}`;
  return { metric, tags, json };
}

export function isMapped(m: MappedSeries | UnmappableSeries): m is MappedSeries {
  return 'metric' in m;
}

/** Restores the label set (sorted by the caller) from what OpenTSDB returns. */
export function unmapSeries(
  metric: string,
  tags: Readonly<Record<string, string>>,
  placeholderKey: string,
): Label[] {
  const labels: Label[] = [{ name: '__name__', value: unescapeName(metric) }];
  for (const [key, value] of Object.entries(tags)) {
    const name = decodeTagKey(key, placeholderKey);
    if (name !== undefined) labels.push({ name, value: unescapeName(value) });
  }
  return labels;
}
