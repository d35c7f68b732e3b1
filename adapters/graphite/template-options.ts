// The two option types of path templates: `templates` (a list of rules, each a mapping) and
// `template_vars` (a mapping of fixed strings). src/config/options.ts has no list-of-mappings
// option, so they live here. Everything is checked without I/O; regexes are compiled with the
// core's compileMatchers, so a regex that loads here behaves exactly as in a Prometheus selector.
// Cross-option checks (variables defined, no empty node with the prefix) are in template-rules.ts.

import { compileMatchers, ConfigError, fail, type Matcher, type Option } from '../../src/adapter.js';
import {
  LABEL_NAME,
  parseTemplate,
  TEMPLATE_TEXT,
  TEMPLATE_TEXT_DOC,
  type TemplatePart,
} from './path-template.js';

export interface TemplateRuleConfig {
  /** match (EQ) then match_re (RE) matchers, in config order. */
  readonly matchers: readonly Matcher[];
  readonly template: string;
  readonly parts: readonly TemplatePart[];
  readonly continue: boolean;
}

const RULE_KEYS = ['match', 'match_re', 'template', 'continue'];

function isMapping(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function labelMatchers(raw: unknown, path: string, type: 'EQ' | 'RE'): Matcher[] {
  if (raw === undefined || raw === null) return [];
  if (!isMapping(raw)) fail(path, 'a mapping of label name to value', raw);
  const out: Matcher[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const at = `${path}.${name}`;
    if (!LABEL_NAME.test(name))
      throw new ConfigError(`${at}: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*)`);
    if (typeof value !== 'string')
      fail(at, type === 'EQ' ? 'a string (quote numbers)' : 'a regex string', value);
    const m: Matcher = { type, name, value };
    if (type === 'RE') {
      try {
        compileMatchers([m]);
      } catch (err) {
        const why = err instanceof Error ? err.message.replace(/^.*\}: /, '') : String(err);
        throw new ConfigError(
          `${at}: expected an RE2 regular expression, found ${JSON.stringify(value)} (${why})`,
        );
      }
    }
    out.push(m);
  }
  return out;
}

function parseRule(raw: unknown, path: string): TemplateRuleConfig {
  if (!isMapping(raw)) fail(path, 'a mapping with template and optional match, match_re, continue', raw);
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.includes(key))
      throw new ConfigError(`${path}.${key}: unknown key (known keys: ${RULE_KEYS.join(', ')})`);
  }
  const template = raw.template;
  if (template === undefined || template === null)
    throw new ConfigError(`${path}.template: required key is missing`);
  if (typeof template !== 'string') fail(`${path}.template`, 'a template string', template);
  const cont = raw.continue ?? false;
  if (typeof cont !== 'boolean') fail(`${path}.continue`, 'true or false', cont);
  return {
    matchers: [
      ...labelMatchers(raw.match, `${path}.match`, 'EQ'),
      ...labelMatchers(raw.match_re, `${path}.match_re`, 'RE'),
    ],
    template,
    parts: parseTemplate(template, `${path}.template`),
    continue: cont,
  };
}

export function templatesOption(doc: string): Option<readonly TemplateRuleConfig[]> {
  return {
    kind: 'list',
    doc,
    defaultText: '[]',
    required: false,
    fallback: [],
    parse(raw, path) {
      if (!Array.isArray(raw))
        fail(path, 'a list of rules (mappings with match, match_re, template, continue)', raw);
      return raw.map((rule, i) => parseRule(rule, `${path}[${i}]`));
    },
  };
}

export function templateVarsOption(doc: string): Option<Readonly<Record<string, string>>> {
  return {
    kind: 'mapping',
    doc,
    defaultText: '{}',
    required: false,
    fallback: {},
    parse(raw, path) {
      if (!isMapping(raw)) fail(path, 'a mapping of variable name to string', raw);
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(raw)) {
        const at = `${path}.${name}`;
        if (!LABEL_NAME.test(name))
          throw new ConfigError(`${at}: expected a variable name ([a-zA-Z_][a-zA-Z0-9_]*)`);
        if (typeof value !== 'string' || value === '' || !TEMPLATE_TEXT.test(value))
          fail(at, `a non-empty string of ${TEMPLATE_TEXT_DOC}`, value);
        out[name] = value;
      }
      return out;
    },
  };
}
