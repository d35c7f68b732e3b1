// Remote-read label matchers with Prometheus' exact semantics (protocols.md §4.6):
// a missing label has the value ""; regexes are RE2 (re2js, not JS RegExp, whose syntax and
// classes differ), fully anchored and with `.` matching newline, i.e. `^(?s:re)$`.
//
// Matchers are evaluated once per series, never per sample. Compiled regexes live in the
// closure of one compileMatchers() call (no module-level cache: a request's regexes die with it).

import { RE2JS } from 're2js';
import { RequestError } from '../errors.js';
import { compareUtf8, type Labels, type Matcher } from '../model.js';

/** Tests one label value; `undefined` means the label is absent (treated as ""). */
export type ValueTest = (value: string | undefined) => boolean;

/** Tests a whole label set. */
export type SeriesTest = (labels: Labels) => boolean;

type StringTest = (value: string) => boolean;

/** Characters Go's regexp.QuoteMeta escapes; a pattern without them is a plain literal. */
const REGEX_META = /[\\.+*?()|[\]{}^$]/;

/** Distinct values whose regex outcome is remembered per matcher (label values repeat a lot). */
const MEMO_LIMIT = 4096;

/** Above this many labels a binary search beats a linear scan. */
const LINEAR_SCAN_MAX = 16;

function describe(m: Matcher): string {
  const op = m.type === 'EQ' ? '=' : m.type === 'NEQ' ? '!=' : m.type === 'RE' ? '=~' : '!~';
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}

/**
 * Compiles a regex the way Prometheus does. The pattern must parse on its own first, so that
 * `a)|(b` cannot escape the anchoring group (Prometheus parses before wrapping, too).
 */
function compileRegex(m: Matcher): StringTest {
  const pattern = m.value;
  // Fast paths for what selectors mostly contain; each is exactly equivalent to the regex.
  if (pattern === '.*') return () => true;
  if (pattern === '.+') return (v) => v !== '';
  if (!REGEX_META.test(pattern.replaceAll('|', ''))) {
    // Literals or an alternation of literals (`a|b|`): a set lookup.
    if (!pattern.includes('|')) return (v) => v === pattern;
    const set = new Set(pattern.split('|'));
    return (v) => set.has(v);
  }
  // `lit.*`, `.*lit`, `.*lit.*` with a plain literal: `.*` matches anything (newlines too).
  const head = pattern.startsWith('.*');
  const tail = pattern.endsWith('.*') && pattern.length >= (head ? 4 : 2);
  const lit = pattern.slice(head ? 2 : 0, tail ? -2 : undefined);
  if ((head || tail) && lit !== '' && !REGEX_META.test(lit)) {
    if (head && tail) return (v) => v.includes(lit);
    return head ? (v) => v.endsWith(lit) : (v) => v.startsWith(lit);
  }
  let re: RE2JS;
  try {
    RE2JS.compile(pattern);
    re = RE2JS.compile(`^(?s:${pattern})$`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new RequestError(
      400,
      'bad_regex',
      `invalid regular expression in matcher {${describe(m)}}: ${why}`,
    );
  }
  const memo = new Map<string, boolean>();
  return (v) => {
    const known = memo.get(v);
    if (known !== undefined) return known;
    const result = re.testExact(v);
    if (memo.size < MEMO_LIMIT) memo.set(v, result);
    return result;
  };
}

function compileWith(m: Matcher, regexes: Map<string, StringTest>): ValueTest {
  const want = m.value;
  switch (m.type) {
    case 'EQ':
      return want === '' ? (v) => v === undefined || v === '' : (v) => v === want;
    case 'NEQ':
      return want === '' ? (v) => v !== undefined && v !== '' : (v) => v !== want;
    case 'RE':
    case 'NRE': {
      let test = regexes.get(want);
      if (test === undefined) {
        test = compileRegex(m);
        regexes.set(want, test);
      }
      const t = test;
      return m.type === 'RE' ? (v) => t(v ?? '') : (v) => !t(v ?? '');
    }
    default:
      throw new RequestError(400, 'bad_matcher', `unknown matcher type ${String((m as Matcher).type)}`);
  }
}

/** Compiles one matcher. Throws RequestError(400, 'bad_regex') for an invalid regex. */
export function compileMatcher(m: Matcher): ValueTest {
  return compileWith(m, new Map());
}

/**
 * Whether the matcher selects series that lack its label (equivalently, matches ""). Adapters
 * use it when pushing matchers down: such a matcher must not become an inner join on the label.
 */
export function matchesEmpty(m: Matcher): boolean {
  return compileMatcher(m)(undefined);
}

/** Value of `name` in a label set sorted by UTF-8 bytes, or undefined. */
export function labelValue(labels: Labels, name: string): string | undefined {
  const n = labels.length;
  if (n <= LINEAR_SCAN_MAX) {
    for (let i = 0; i < n; i++) {
      const l = labels[i]!;
      if (l.name === name) return l.value;
    }
    return undefined;
  }
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const l = labels[mid]!;
    const c = compareUtf8(l.name, name);
    if (c === 0) return l.value;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

const COST: Record<Matcher['type'], number> = { EQ: 0, NEQ: 1, RE: 2, NRE: 3 };

/**
 * Compiles matchers into one label-set test (all must match; no matchers selects everything).
 * Every regex is compiled up front, so a bad one fails the request before any backend is asked.
 */
export function compileMatchers(matchers: readonly Matcher[]): SeriesTest {
  const regexes = new Map<string, StringTest>();
  // Cheap equality tests first, so most non-matching series are rejected before any regex runs.
  const ordered = [...matchers].sort((a, b) => COST[a.type] - COST[b.type]);
  const names = ordered.map((m) => m.name);
  const tests = ordered.map((m) => compileWith(m, regexes));
  const count = tests.length;
  if (count === 0) return () => true;
  return (labels) => {
    for (let i = 0; i < count; i++) {
      if (!tests[i]!(labelValue(labels, names[i]!))) return false;
    }
    return true;
  };
}
