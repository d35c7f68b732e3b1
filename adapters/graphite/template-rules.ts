// Path template rules of `mode: path`, compiled once per adapter instance (no module state):
// which paths a series is written under, and — for reads — whether a stored path could have
// come from a template, so the legacy reader never mislabels one.
//
// Order: rules are tried in config order; every matching rule adds its path; a matching rule
// without `continue: true` stops. The default (legacy) path is written when no rule stopped the
// walk — no rule matched, or only `continue` rules did — so unmatched series keep their paths.
// A rule matches when all its matchers match (Prometheus semantics: a missing label is "") and
// every label its template uses is present and non-empty.

import { compileMatchers, ConfigError, type Labels, type Matcher } from '../../src/adapter.js';
import { escapeTemplateValue } from './path-template.js';
import type { TemplateRuleConfig } from './template-options.js';

type SeriesTest = ReturnType<typeof compileMatchers>;
type Segment = string | { readonly label: string };

interface CompiledRule {
  readonly segments: readonly Segment[];
  /** Per label segment: the label, and whether its capture on read is exact (alone in its node). */
  readonly captures: readonly { readonly label: string; readonly exact: boolean }[];
  readonly matches: SeriesTest;
  /** Each matcher with its own test, for reads. */
  readonly matchers: readonly { readonly matcher: Matcher; readonly test: SeriesTest }[];
  readonly continue: boolean;
  /** The shape of every path this rule can write; one group per label segment. */
  readonly shape: RegExp;
}

export interface TemplatePaths {
  /** Paths from matching rules, in rule order, without duplicates. */
  readonly templated: readonly string[];
  /** Whether the series is also written under the default (legacy) path. */
  readonly useDefault: boolean;
}

export interface TemplateRules {
  readonly size: number;
  paths(labels: Labels): TemplatePaths;
  /** True when `path` could have been written by a rule (sound: never false for such a path). */
  mayHaveWritten(path: string): boolean;
}

function valueOf(labels: Labels, name: string): string | undefined {
  for (const l of labels) if (l.name === name) return l.value;
  return undefined;
}

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Resolves variables and the prefix and checks what needs more than one option: undefined
 * variables, empty nodes. Throws ConfigError naming `${path}.templates[i].template`.
 */
export function compileTemplateRules(
  rules: readonly TemplateRuleConfig[],
  vars: Readonly<Record<string, string>>,
  prefix: string,
  path: string,
): TemplateRules {
  const compiled = rules.map((rule, i): CompiledRule => {
    const at = `${path}.templates[${i}].template`;
    const segments: Segment[] = [];
    for (const part of rule.parts) {
      let text: string;
      if (part.kind === 'label') {
        segments.push({ label: part.label });
        continue;
      } else if (part.kind === 'prefix') text = prefix;
      else if (part.kind === 'var') {
        const v = vars[part.name];
        if (v === undefined) {
          const known = Object.keys(vars).join(', ') || 'none';
          throw new ConfigError(
            `${at}: unknown variable "${part.name}" in {{var.${part.name}}} (template_vars has: ${known})`,
          );
        }
        text = v;
      } else text = part.text;
      const last = segments[segments.length - 1];
      if (typeof last === 'string') segments[segments.length - 1] = last + text;
      else segments.push(text);
    }
    const sample = segments.map((s) => (typeof s === 'string' ? s : 'x')).join('');
    if (sample === '' || sample.split('.').some((node) => node === '')) {
      throw new ConfigError(
        `${at}: expected a template whose path nodes are never empty, found ${JSON.stringify(rule.template)} (renders as ${JSON.stringify(sample)})`,
      );
    }
    // Two placeholders in one node (`{{labels.a}}-{{labels.b}}`) can split a stored node in
    // several ways, so their captures say nothing exact about either value.
    let node = 0;
    const nodeOf = segments.map((s) =>
      typeof s === 'string' ? ((node += s.split('.').length - 1), -1) : node,
    );
    const perNode = new Map<number, number>();
    for (const n of nodeOf) if (n >= 0) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    const captures = segments.flatMap((s, j) =>
      typeof s === 'string' ? [] : [{ label: s.label, exact: perNode.get(nodeOf[j]!) === 1 }],
    );
    const shape = segments.map((s) => (typeof s === 'string' ? reEscape(s) : '([^.]+)')).join('');
    return {
      segments,
      captures,
      matches: compileMatchers(rule.matchers),
      matchers: rule.matchers.map((matcher) => ({ matcher, test: compileMatchers([matcher]) })),
      continue: rule.continue,
      shape: new RegExp(`^${shape}$`),
    };
  });

  const render = (rule: CompiledRule, labels: Labels): string | undefined => {
    let out = '';
    for (const s of rule.segments) {
      if (typeof s === 'string') out += s;
      else {
        const v = valueOf(labels, s.label);
        if (v === undefined || v === '') return undefined;
        out += escapeTemplateValue(v);
      }
    }
    return out;
  };

  /**
   * Whether a value whose escaped form is `captured` could satisfy `test`. Without `%` or `\`
   * the escape is the identity, so the value is known exactly; otherwise (the legacy escape is
   * not injective: `%1A`) only an equality can be ruled out.
   */
  const couldMatch = (m: Matcher, test: SeriesTest, captured: string): boolean => {
    if (!captured.includes('%') && !captured.includes('\\')) return test([{ name: m.name, value: captured }]);
    if (m.type === 'EQ') return escapeTemplateValue(m.value) === captured;
    return true;
  };

  return {
    size: compiled.length,

    paths(labels) {
      const templated: string[] = [];
      for (const rule of compiled) {
        if (!rule.matches(labels)) continue;
        const p = render(rule, labels);
        if (p === undefined) continue;
        if (!templated.includes(p)) templated.push(p);
        if (!rule.continue) return { templated, useDefault: false };
      }
      return { templated, useDefault: true };
    },

    mayHaveWritten(p) {
      return compiled.some((rule) => {
        const m = rule.shape.exec(p);
        if (m === null) return false;
        const captured = new Map<string, string>();
        for (let i = 0; i < rule.captures.length; i++) {
          const { label, exact } = rule.captures[i]!;
          if (!exact) continue;
          const value = m[i + 1]!;
          const seen = captured.get(label);
          if (seen !== undefined && seen !== value) return false;
          captured.set(label, value);
        }
        return rule.matchers.every(({ matcher, test }) => {
          const value = captured.get(matcher.name);
          return value === undefined || couldMatch(matcher, test, value);
        });
      });
    },
  };
}

/** The kind's cross-option check (start-up, no I/O): templates need `mode: path` and compile. */
export function validateGraphiteOptions(
  options: {
    readonly mode: string;
    readonly prefix: string;
    readonly templates: readonly TemplateRuleConfig[];
    readonly template_vars: Readonly<Record<string, string>>;
  },
  path: string,
): void {
  if (options.templates.length > 0 && options.mode !== 'path') {
    throw new ConfigError(
      `${path}.templates: expected no templates with mode: ${options.mode} (templates build plain paths, mode: path only)`,
    );
  }
  compileTemplateRules(options.templates, options.template_vars, options.prefix, path);
}
