// Push-down of remote-read matchers into the series query (protocols.md §4.6). Only what
// PostgreSQL evaluates exactly as Prometheus is translated; the rest is left out, which only
// widens the result — the core re-applies every matcher. Label names and values are always
// bind parameters, never SQL text.
//
// A missing label has the value "" in Prometheus, so every comparison is made on
// coalesce(labels->>name, ''); `name="v"` with v non-empty uses `labels @> {"name":"v"}`
// instead, which the GIN index serves. `__name__` compares the metric_name column ('' = none).

import type { Matcher } from '../../src/adapter.js';
import type { SqlParam } from './driver.js';
import { analyseRegex } from './regex-literal.js';
import { textArray, unstorableTextReason } from './sql-text.js';

export interface SeriesFilter {
  /** Conditions to AND on the series table aliased `r`. */
  readonly conditions: string[];
  readonly params: SqlParam[];
  /** Some matcher can match nothing: skip the query. */
  readonly matchesNothing: boolean;
  /** Every matcher was translated: the query alone selects exactly the matching series. */
  readonly exact: boolean;
}

/** Alternatives of a set matcher turned into ORed @> probes (GIN) up to this many. */
const MAX_CONTAINMENT_PROBES = 32;

export function matchersToSql(matchers: readonly Matcher[], firstParam: number): SeriesFilter {
  const params: SqlParam[] = [];
  const conditions: string[] = [];
  let matchesNothing = false;
  let exact = true;
  const p = (value: string): string => `$${firstParam + params.push(value) - 1}`;
  const contains = (name: string, value: string) =>
    `r.labels @> ${p(JSON.stringify({ [name]: value }))}::jsonb`;

  for (const m of matchers) {
    // NUL or lone surrogates cannot be sent as text; no stored series has them anyway.
    if (unstorableTextReason(m.name) !== undefined || unstorableTextReason(m.value) !== undefined) {
      exact = false;
      continue;
    }
    const isName = m.name === '__name__';
    let expr: string | undefined;
    const value = () => (expr ??= isName ? 'r.metric_name' : `coalesce(r.labels->>${p(m.name)}, '')`);

    if (m.type === 'EQ' || m.type === 'NEQ') {
      const eq = m.type === 'EQ';
      if (eq && !isName && m.value !== '') conditions.push(contains(m.name, m.value));
      else conditions.push(`${value()} ${eq ? '=' : '<>'} ${p(m.value)}`);
      continue;
    }

    const re = analyseRegex(m.value);
    if (re === undefined) {
      exact = false;
      continue;
    }
    const positive = m.type === 'RE';
    switch (re.kind) {
      case 'any':
        if (!positive) matchesNothing = true;
        break;
      case 'nonempty':
        conditions.push(`${value()} ${positive ? '<>' : '='} ''`);
        break;
      case 'prefix':
        conditions.push(`${positive ? '' : 'NOT '}starts_with(${value()}, ${p(re.prefix)})`);
        break;
      case 'set': {
        const probes =
          positive && !isName && !re.values.includes('') && re.values.length <= MAX_CONTAINMENT_PROBES;
        if (probes) conditions.push(`(${re.values.map((v) => contains(m.name, v)).join(' OR ')})`);
        else
          conditions.push(`${positive ? '' : 'NOT '}(${value()} = ANY(${p(textArray(re.values))}::text[]))`);
        break;
      }
    }
  }
  return { conditions, params, matchesNothing, exact };
}
