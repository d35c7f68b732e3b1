// InfluxQL text for remote read (protocols.md §8.1): every identifier, string literal and regex
// is escaped so that no label value can change the statement, and only conditions that are
// exact or a safe superset are pushed down (the core re-applies every matcher, design.md §3).

import type { Matcher, ReadQuery } from '../../src/adapter.js';
import { NO_NAME_MEASUREMENT } from './line-protocol.js';
import { TAG_MARKER, encodeTagValue } from './tag-codec.js';

// InfluxDB's time range in ms (int64 ns); beyond it a bound is left out instead of overflowing.
const MAX_MS = 9_223_372_036_854;

/** "identifier" with `"` and `\` escaped; undefined when it cannot be written (raw newline). */
export function quoteIdent(name: string): string | undefined {
  if (/[\n\r]/.test(name)) return undefined;
  return '"' + name.replace(/["\\]/g, '\\$&') + '"';
}

/** 'literal' with the only escapes InfluxQL knows: \\ \' \n. */
export function quoteString(value: string): string {
  return "'" + value.replace(/[\\']/g, '\\$&').replace(/\n/g, '\\n') + "'";
}

/**
 * /^(?s:re)$/ — Prometheus' anchoring and dot-all on the same RE2 syntax (Go regexp). No `/` is
 * ever emitted inside (it becomes \x2f), whatever InfluxQL's lexer does with other backslash
 * pairs. Undefined for \Q…\E, where \x2f would be taken literally.
 */
export function regexLiteral(re: string): string | undefined {
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const ch = re[i]!;
    if (ch === '\\') {
      const next = re[i + 1];
      if (next === undefined || next === 'Q') return undefined;
      out += next === '/' ? '\\x2f' : ch + next;
      i++;
    } else if (ch === '/') out += '\\x2f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else out += ch;
  }
  return `/^(?s:${out})$/`;
}

const ENCODED = `/^${TAG_MARKER}/`;

/** WHERE condition for one label matcher, or undefined when nothing safe can be pushed down. */
export function matcherCondition(m: Matcher): string | undefined {
  const ident = quoteIdent(m.name);
  if (ident === undefined) return undefined;
  switch (m.type) {
    // InfluxDB reads a missing tag as '' (1.x index semantics), like PromQL: exact.
    case 'EQ':
      return `${ident} = ${quoteString(m.value === '' ? '' : encodeTagValue(m.value))}`;
    case 'NEQ':
      return `${ident} != ${quoteString(m.value === '' ? '' : encodeTagValue(m.value))}`;
    case 'RE': {
      const re = regexLiteral(m.value);
      // Absent tags and encoded values (tag-codec.ts) are let through for the core to decide.
      return re && `(${ident} =~ ${re} OR ${ident} = '' OR ${ident} =~ ${ENCODED})`;
    }
    case 'NRE': {
      const re = regexLiteral(m.value);
      return re && `(${ident} !~ ${re} OR ${ident} = '' OR ${ident} =~ ${ENCODED})`;
    }
  }
}

/** FROM clause from the __name__ matchers: one measurement, a regex, or every measurement. */
export function fromClause(matchers: readonly Matcher[], retentionPolicy: string | undefined): string {
  const rp = retentionPolicy === undefined ? '' : `${quoteIdent(retentionPolicy) ?? '""'}.`;
  const names = matchers.filter((m) => m.name === '__name__');
  const eq = names.find((m) => m.type === 'EQ');
  if (eq) {
    const ident = quoteIdent(eq.value === '' ? NO_NAME_MEASUREMENT : eq.value);
    if (ident !== undefined) return rp + ident;
  }
  for (const m of names) {
    if (m.type !== 'RE') continue;
    const re = regexLiteral(m.value);
    if (re !== undefined) return rp + re;
  }
  return `${rp}/.+/`;
}

export function selectStatement(query: ReadQuery, retentionPolicy: string | undefined): string {
  const conds: string[] = [];
  for (const m of query.matchers) {
    if (m.name === '__name__') continue;
    const c = matcherCondition(m);
    if (c !== undefined) conds.push(c);
  }
  if (query.startMs > -MAX_MS) conds.push(`time >= ${Math.trunc(query.startMs)}ms`);
  if (query.endMs < MAX_MS) conds.push(`time <= ${Math.trunc(query.endMs)}ms`);
  const where = conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';
  // `*`: value, value_special and the fields of long labels (tag-codec.ts).
  return `SELECT * FROM ${fromClause(query.matchers, retentionPolicy)}${where} GROUP BY *`;
}
