// `mode: tags` reads: Prometheus matchers → seriesByTag('…') tag expressions (protocols.md §8.2).
// Pushed down exactly: equality and inequality on escaped values; regexes of literal
// alternations as `=~^(?:…)$` / `!=~^(?:…)$` (graphite-web anchors only the start). Other
// regexes push down at most "the tag must exist". graphite-web needs one expression that does not
// match the empty value, so `name!=` (every series has a name) is added when none does.

import { RE2JS } from 're2js';
import type { Matcher } from '../../src/adapter.js';
import { literalAlternatives, pythonRegexLiteral } from './literal-regex.js';
import { EMPTY_VALUE, escapeTag } from './tag-escape.js';
import { escapeTagName } from './tagged-name.js';

interface Spec {
  readonly text: string;
  /** graphite-web's rule: a spec "matches empty" when it also selects series without the tag. */
  readonly matchesEmpty: boolean;
}

function valueForms(m: Matcher, value: string, prefix: string): string[] {
  if (m.name !== '__name__') return [escapeTag(value)];
  // A metric name is escaped further when the series has no other label (a plain whisper path).
  const forms = new Set([prefix + escapeTag(value), prefix + escapeTag(value, true)]);
  return [...forms];
}

function regexOf(m: Matcher, prefix: string): string | undefined {
  const alts = literalAlternatives(m.value);
  if (alts === undefined) return undefined;
  const parts = new Set<string>();
  for (const { literal, rest } of alts) {
    if (literal === '' && m.name !== '__name__') {
      parts.add(rest === '' ? '' : rest);
      continue;
    }
    const forms =
      literal === ''
        ? [rest === '' ? prefix + EMPTY_VALUE : prefix]
        : m.name === '__name__'
          ? valueForms(m, literal, prefix)
          : [escapeTag(literal)];
    for (const f of forms) parts.add(pythonRegexLiteral(f) + rest);
  }
  return `^(?:${[...parts].join('|')})$`;
}

function matchesEmptyRe2(re: string): boolean {
  try {
    return RE2JS.compile(`^(?s:${re})$`).matches('');
  } catch {
    return true; // invalid: the core reports it; push nothing down
  }
}

function specFor(m: Matcher, prefix: string): Spec | undefined {
  const tag = m.name === '__name__' ? 'name' : escapeTagName(m.name);
  const isName = m.name === '__name__';
  switch (m.type) {
    case 'EQ': {
      if (m.value === '') return isName ? undefined : { text: `${tag}=`, matchesEmpty: true };
      const forms = valueForms(m, m.value, prefix);
      if (forms.length === 1) return { text: `${tag}=${forms[0]}`, matchesEmpty: false };
      return { text: `${tag}=~^(?:${forms.map(pythonRegexLiteral).join('|')})$`, matchesEmpty: false };
    }
    case 'NEQ': {
      if (m.value === '') return isName ? undefined : { text: `${tag}!=`, matchesEmpty: false };
      const forms = valueForms(m, m.value, prefix);
      if (forms.length === 1) return { text: `${tag}!=${forms[0]}`, matchesEmpty: true };
      return { text: `${tag}!=~^(?:${forms.map(pythonRegexLiteral).join('|')})$`, matchesEmpty: true };
    }
    case 'RE': {
      const empty = matchesEmptyRe2(m.value);
      const re = regexOf(m, prefix);
      if (re !== undefined) return { text: `${tag}=~${re}`, matchesEmpty: empty };
      return empty || isName ? undefined : { text: `${tag}!=`, matchesEmpty: false };
    }
    case 'NRE': {
      const re = regexOf(m, prefix);
      if (re === undefined) return undefined;
      return { text: `${tag}!=~${re}`, matchesEmpty: !matchesEmptyRe2(m.value) };
    }
  }
}

/** The seriesByTag expressions for a query's matchers (never empty). */
export function tagExpressions(matchers: readonly Matcher[], prefix: string): string[] {
  const specs = matchers.map((m) => specFor(m, prefix)).filter((s): s is Spec => s !== undefined);
  if (specs.every((s) => s.matchesEmpty)) specs.push({ text: 'name!=', matchesEmpty: false });
  return specs.map((s) => s.text);
}

/** `seriesByTag('a=b','c!=d')`; expressions never hold a quote or a newline. */
export function seriesByTagTarget(expressions: readonly string[]): string {
  return `seriesByTag(${expressions.map((e) => `'${e}'`).join(',')})`;
}
