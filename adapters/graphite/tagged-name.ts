// `mode: tags` series names: Graphite 1.1 tagged series `name;tag=value;…` (protocols.md §8.2)
// built from a Prometheus label set with tag-escape.ts, and parsed back on read.

import type { Label, Labels } from '../../src/adapter.js';
import { escapeTag, unescapeTag } from './tag-escape.js';

/**
 * Graphite stores the metric name as the tag `name`, so a Prometheus label called `name` would
 * collide with it: that one label name is written as `%6Eame` (the `n` percent-encoded).
 */
const NAME_TAG = 'name';
const ESCAPED_NAME_LABEL = '%6Eame';

export function escapeTagName(labelName: string): string {
  return labelName === NAME_TAG ? ESCAPED_NAME_LABEL : escapeTag(labelName);
}

/** The tagged path of a label set, tags in label order (carbon re-sorts them anyway). */
export function taggedName(labels: Labels): string {
  let name = '';
  let tags = '';
  for (const l of labels) {
    if (l.name === '__name__') name = l.value;
    else tags += `;${escapeTagName(l.name)}=${escapeTag(l.value)}`;
  }
  return escapeTag(name, tags === '') + tags;
}

/**
 * Labels of a tagged path as graphite-web returns it. A segment that does not unescape (not
 * written by promgate) is kept verbatim; returns undefined when the path is not a tagged name.
 */
export function parseTaggedName(path: string): Label[] | undefined {
  const segments = path.split(';');
  const tagged = segments.length > 1;
  const first = segments[0]!;
  const name = unescapeTag(first) ?? first;
  const labels: Label[] = [];
  if (name !== '') labels.push({ name: '__name__', value: name });
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!;
    const eq = seg.indexOf('=');
    if (eq <= 0) return undefined;
    const rawName = seg.slice(0, eq);
    const rawValue = seg.slice(eq + 1);
    const labelName = unescapeTag(rawName) ?? rawName;
    const value = unescapeTag(rawValue) ?? rawValue;
    if (labelName === '' || value === '' || labelName === '__name__') return undefined;
    labels.push({ name: labelName, value });
  }
  if (!tagged && name === '') return undefined;
  return labels;
}
