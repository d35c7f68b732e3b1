// Recognises the regexes that can be pushed down exactly to a store that holds escaped values:
// alternations of literals, each optionally followed by `.*` or `.+` (`a|b`, `api.*`,
// `(?:GET|POST)`). Escaping maps each character on its own, so "v starts with L" is
// "escape(v) starts with escape(L)", and these carry over to the stored form. Anything else is
// left to the core, which re-applies every matcher.

export interface LiteralAlternative {
  readonly literal: string;
  /** '' (exactly), '.*' (any rest), '.+' (a non-empty rest). */
  readonly rest: '' | '.*' | '.+';
}

const META = new Set([...'\\.+*?()|[]{}^$']);

/** The alternatives of `re`, or undefined when it is not of that simple shape. */
export function literalAlternatives(re: string): LiteralAlternative[] | undefined {
  let body = re;
  const group = /^\((?:\?:)?(.*)\)$/s.exec(body);
  if (group && balanced(group[1]!)) body = group[1]!;
  const out: LiteralAlternative[] = [];
  for (const alt of splitTopLevel(body)) {
    let rest: LiteralAlternative['rest'] = '';
    let text = alt;
    if (/(?<!\\)\.\*$/.test(text) && !text.endsWith('\\.*')) {
      rest = '.*';
      text = text.slice(0, -2);
    } else if (/\.\+$/.test(text) && !text.endsWith('\\.+')) {
      rest = '.+';
      text = text.slice(0, -2);
    }
    let literal = '';
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\\') {
        const next = text[++i];
        // Only escaped punctuation is a literal; \d, \w, \pL... are classes.
        if (next === undefined || /[0-9A-Za-z]/.test(next)) return undefined;
        literal += next;
      } else if (META.has(ch)) return undefined;
      else literal += ch;
    }
    out.push({ literal, rest });
  }
  return out;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\') {
      current += ch + (s[i + 1] ?? '');
      i++;
    } else if (ch === '|') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Escapes a literal for Python's `re` (the tag DB evaluates seriesByTag regexes with it). */
export function pythonRegexLiteral(text: string): string {
  return text.replace(/[.^$*+?{}[\]\\|()]/g, '\\$&');
}
