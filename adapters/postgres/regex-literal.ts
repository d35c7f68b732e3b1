// Recognises the few RE2 patterns whose meaning PostgreSQL can evaluate exactly. Prometheus
// matches `^(?s:re)$` (fully anchored, `.` matches newline), so:
//   a|b|c  → the value is one of these literals ("" among them when an alternative is empty)
//   lit.*  → the value starts with lit
//   .*     → anything (no condition);  .+ → any non-empty value
// Everything else (classes, groups, flags, repetition, escapes other than punctuation) is
// left to the core's matcher, since PostgreSQL regexes are not RE2.

export type LiteralRegex =
  | { readonly kind: 'set'; readonly values: readonly string[] }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'nonempty' };

const META = new Set(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$']);
/** RE2 treats a backslash before ASCII punctuation as that literal character. */
const ESCAPABLE = /^[!-/:-@[-`{-~]$/;

/** The alternatives of a pattern made only of literals and `|`, or undefined. */
export function literalAlternatives(source: string): string[] | undefined {
  const alternatives: string[] = [];
  let current = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '|') {
      alternatives.push(current);
      current = '';
    } else if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || !ESCAPABLE.test(next)) return undefined;
      current += next;
      i++;
    } else if (META.has(c)) {
      return undefined;
    } else {
      current += c;
    }
  }
  alternatives.push(current);
  return alternatives;
}

export function analyseRegex(source: string): LiteralRegex | undefined {
  if (source === '.*') return { kind: 'any' };
  if (source === '.+') return { kind: 'nonempty' };
  if (source.endsWith('.*')) {
    const head = literalAlternatives(source.slice(0, -2));
    if (head !== undefined && head.length === 1 && head[0] !== '')
      return { kind: 'prefix', prefix: head[0]! };
    return undefined;
  }
  const values = literalAlternatives(source);
  return values === undefined ? undefined : { kind: 'set', values: [...new Set(values)] };
}
