// The path template syntax of `mode: path` rules (README, "Path templates"): literal text and
// `{{…}}` placeholders, parsed once at start-up. Deliberately tiny — no conditionals, no
// functions — so every template can be checked without data and read back as a fixed shape.
//
//   {{name}}          the metric name, escaped
//   {{labels.<l>}}    the value of label <l>, escaped; a series without it does not match the rule
//   {{var.<v>}}       template_vars.<v>, as written in the config
//   {{prefix}}        the `prefix` option, as written
//
// Values are escaped with the legacy escape (legacy-path.ts) plus `* ? [ ] ;`, so a value never
// adds a node, a glob or a tag separator to the path.

import { ConfigError } from '../../src/adapter.js';
import { escapeLegacy } from './legacy-path.js';

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'prefix' };

/** Characters allowed in template text and in template_vars values: no glob, quote or separator. */
export const TEMPLATE_TEXT = /^[A-Za-z0-9_.:@+~-]*$/;
export const TEMPLATE_TEXT_DOC = 'letters, digits and _ . : @ + ~ -';
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VAR_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const KNOWN = '{{name}}, {{labels.<label>}}, {{var.<name>}}, {{prefix}}';

/** Parses a template; throws ConfigError naming `path` (the template's key). */
export function parseTemplate(template: string, path: string): TemplatePart[] {
  if (template === '') throw new ConfigError(`${path}: expected a non-empty template, found ""`);
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    const text = template.slice(i, open === -1 ? undefined : open);
    if (text !== '') {
      const bad = [...text].find((c) => !TEMPLATE_TEXT.test(c));
      if (bad !== undefined) {
        throw new ConfigError(
          `${path}: expected template text of ${TEMPLATE_TEXT_DOC} and {{…}} placeholders, found ${JSON.stringify(bad)} in ${JSON.stringify(template)}`,
        );
      }
      parts.push({ kind: 'text', text });
    }
    if (open === -1) break;
    const close = template.indexOf('}}', open + 2);
    if (close === -1) {
      throw new ConfigError(
        `${path}: expected "}}" closing the placeholder at ${JSON.stringify(template.slice(open))}`,
      );
    }
    const inner = template.slice(open + 2, close).trim();
    const dot = inner.indexOf('.');
    const head = dot === -1 ? inner : inner.slice(0, dot);
    const arg = dot === -1 ? '' : inner.slice(dot + 1);
    if (inner === 'name') parts.push({ kind: 'label', label: '__name__' });
    else if (inner === 'prefix') parts.push({ kind: 'prefix' });
    else if (head === 'labels' && LABEL_NAME.test(arg)) parts.push({ kind: 'label', label: arg });
    else if (head === 'var' && VAR_NAME.test(arg)) parts.push({ kind: 'var', name: arg });
    else {
      throw new ConfigError(
        `${path}: unknown placeholder ${JSON.stringify(template.slice(open, close + 2))} (known: ${KNOWN})`,
      );
    }
    i = close + 2;
  }
  return parts;
}

/** The escape of a value inside a templated path: legacy escape, then `* ? [ ] ;` as %XX. */
export function escapeTemplateValue(value: string): string {
  // The legacy escape emits these five only for the same raw characters, so replacing them
  // afterwards is exact.
  return escapeLegacy(value).replace(/[*?[\];]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
