// Matchers → OpenTSDB /api/query sub-queries (protocols.md §8.3). Only what selects a
// superset of the Prometheus result is pushed down; the core re-applies every matcher.
//
// * __name__ must be known: `=` or `=~` with a plain alternation (`a|b`) gives the metrics,
//   one query each. Other name regexes cannot be evaluated by OpenTSDB (no metric filter).
// * label `="v"` → literal_or of the escaped value. `=~"a|b"` (plain alternatives, none empty)
//   → regexp `^(?:a|b)$` over escaped values, not literal_or: OpenTSDB resolves literal_or
//   values to UIDs and fails the whole query when one was never written.
// * label `=~"prefix…"` → regexp `^<escaped prefix>`: escaping is per character except for
//   bytes < 0x10, so a literal prefix without control characters escapes to a prefix.
// * OpenTSDB drops a series lacking a filtered tag key, while in Prometheus `!=`, `!~` and any
//   matcher that matches "" also select series without the label. So `!="v"` / `!~"a|b"` become
//   not_literal_or only when a positive filter on the same label is pushed down as well.

import { PermanentError, type Matcher } from '../../src/adapter.js';
import { escapeName } from './escape.js';
import { encodeTagKey } from './series-mapping.js';

export interface TagFilter {
  readonly type: 'literal_or' | 'not_literal_or' | 'regexp';
  readonly tagk: string;
  readonly filter: string;
  readonly groupBy: boolean;
}

export interface QueryPlan {
  /** Escaped metric names, one /api/query sub-query each. */
  readonly metrics: readonly string[];
  readonly filters: readonly TagFilter[];
}

const META = /[\\.+*?()[\]{}^$|]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u000f]/;

/** The alternatives of a regex that is a plain alternation of non-empty literals, else undefined. */
export function literalAlternatives(re: string): string[] | undefined {
  const parts = re.split('|');
  if (parts.some((p) => p === '' || META.test(p) || CONTROL.test(p))) return undefined;
  return parts;
}

/** A literal prefix every match of the (anchored) regex starts with; '' when there is none. */
export function literalPrefix(re: string): string {
  if (re.includes('|')) return '';
  const chars = Array.from(re);
  let end = 0;
  while (end < chars.length && !META.test(chars[end]!) && !CONTROL.test(chars[end]!)) end++;
  // `ab*` or `ab?`: the last literal may be absent.
  if (end < chars.length && '*?{'.includes(chars[end]!)) end--;
  return chars.slice(0, Math.max(end, 0)).join('');
}

const javaRegexQuote = (s: string) => s.replace(/\./g, '\\.');

export function planQuery(matchers: readonly Matcher[], placeholderKey: string): QueryPlan {
  let metrics: string[] | undefined;
  for (const m of matchers) {
    if (m.name !== '__name__') continue;
    const names = m.type === 'EQ' ? [m.value] : m.type === 'RE' ? literalAlternatives(m.value) : undefined;
    if (names === undefined) continue;
    const escaped = names.map(escapeName);
    metrics = metrics === undefined ? escaped : metrics.filter((x) => escaped.includes(x));
  }
  if (metrics === undefined) {
    throw new PermanentError(
      'OPENTSDB_NEEDS_METRIC',
      'OpenTSDB queries need the metric name: add __name__="…" or __name__=~"a|b" (plain names) to the selector',
    );
  }
  const filters: TagFilter[] = [];
  const positive = new Set<string>();
  const negative: Matcher[] = [];
  for (const m of matchers) {
    if (m.name === '__name__') continue;
    const tagk = encodeTagKey(m.name, placeholderKey);
    const add = (type: TagFilter['type'], filter: string) =>
      filters.push({ type, tagk, filter, groupBy: false });
    if (m.type === 'EQ' && m.value !== '') {
      add('literal_or', escapeName(m.value));
      positive.add(m.name);
    } else if (m.type === 'RE') {
      const alternatives = literalAlternatives(m.value);
      const prefix = literalPrefix(m.value);
      if (alternatives?.length === 1) add('literal_or', escapeName(alternatives[0]!));
      else if (alternatives)
        add('regexp', `^(?:${alternatives.map((a) => javaRegexQuote(escapeName(a))).join('|')})$`);
      else if (prefix !== '') add('regexp', `^${javaRegexQuote(escapeName(prefix))}`);
      else continue;
      positive.add(m.name);
    } else if (m.type === 'NEQ' || m.type === 'NRE') negative.push(m);
  }
  for (const m of negative) {
    if (!positive.has(m.name)) continue;
    const values = m.type === 'NEQ' ? (m.value === '' ? undefined : [m.value]) : literalAlternatives(m.value);
    if (values === undefined) continue;
    filters.push({
      type: 'not_literal_or',
      tagk: encodeTagKey(m.name, placeholderKey),
      filter: values.map(escapeName).join('|'),
      groupBy: false,
    });
  }
  return { metrics, filters };
}
