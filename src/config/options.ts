// Declarative options: every option is declared once (key, type, default with its unit, doc),
// validated without I/O, and reported with a message naming the key, what was expected and
// what was found (style.md conventions 2 and 3).

import { ConfigError } from '../errors.js';

export interface Option<T> {
  readonly kind: string;
  readonly doc: string;
  /** Default shown in docs; undefined means the option is required or optional-without-default. */
  readonly defaultText: string | undefined;
  readonly required: boolean;
  parse(raw: unknown, path: string): T;
  readonly fallback: T | undefined;
}

export type OptionsSchema = Record<string, Option<unknown>>;
export type ParsedOptions<S extends OptionsSchema> = {
  -readonly [K in keyof S]: S[K] extends Option<infer T> ? T : never;
};

/** Hides the password of a URL (scheme://user:password@host) so it never reaches a log. */
export function redactUrlPassword(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^@/\s]*@/gi, '$1:***@');
}

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a mapping';
  if (typeof raw === 'string') return JSON.stringify(redactUrlPassword(raw));
  return `${typeof raw} ${String(raw)}`;
}

export function fail(path: string, expected: string, raw: unknown): never {
  throw new ConfigError(`${path}: expected ${expected}, found ${describe(raw)}`);
}

function option<T>(
  kind: string,
  doc: string,
  parse: (raw: unknown, path: string) => T,
  opts: { default?: T; required?: boolean; defaultText?: string },
): Option<T> {
  const required = opts.required ?? false;
  return {
    kind,
    doc,
    required,
    parse,
    fallback: opts.default,
    defaultText: opts.defaultText ?? (opts.default === undefined ? undefined : JSON.stringify(opts.default)),
  };
}

interface Common<T> {
  doc: string;
  default?: T;
  required?: boolean;
}

export function stringOption(o: Common<string> & { pattern?: RegExp; patternText?: string }): Option<string> {
  return option(
    'string',
    o.doc,
    (raw, path) => {
      if (typeof raw !== 'string' || raw === '') fail(path, 'a non-empty string', raw);
      if (o.pattern && !o.pattern.test(raw))
        fail(path, o.patternText ?? `a string matching ${o.pattern}`, raw);
      return raw;
    },
    o,
  );
}

export function booleanOption(o: Common<boolean>): Option<boolean> {
  return option(
    'boolean',
    o.doc,
    (raw, path) => {
      if (typeof raw !== 'boolean') fail(path, 'true or false', raw);
      return raw;
    },
    o,
  );
}

export function integerOption(
  o: Common<number> & { min?: number; max?: number; unit?: string },
): Option<number> {
  const unit = o.unit ? ` (${o.unit})` : '';
  return option(
    'integer',
    o.doc,
    (raw, path) => {
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) fail(path, `an integer${unit}`, raw);
      if (o.min !== undefined && raw < o.min) fail(path, `an integer >= ${o.min}${unit}`, raw);
      if (o.max !== undefined && raw > o.max) fail(path, `an integer <= ${o.max}${unit}`, raw);
      return raw;
    },
    { ...o, defaultText: o.default === undefined ? undefined : `${o.default}${o.unit ? ' ' + o.unit : ''}` },
  );
}

export function enumOption<V extends string>(o: Common<V> & { values: readonly V[] }): Option<V> {
  return option(
    'enum',
    o.doc,
    (raw, path) => {
      if (typeof raw !== 'string' || !(o.values as readonly string[]).includes(raw)) {
        fail(path, `one of ${o.values.join(', ')}`, raw);
      }
      return raw as V;
    },
    o,
  );
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(?:(\d+)(ms|s|m|h|d))+$/;
const DURATION_PART_RE = /(\d+)(ms|s|m|h|d)/g;

/** Parses a Prometheus-style duration ("30s", "1m30s", "250ms") into milliseconds. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(DURATION_PART_RE)) total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return total;
}

/** A duration such as "30s"; parsed into milliseconds. */
export function durationOption(o: Common<number> & { min?: number }): Option<number> {
  return option(
    'duration',
    o.doc,
    (raw, path) => {
      const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
      if (ms === undefined) fail(path, 'a duration such as "500ms", "30s" or "1m"', raw);
      if (o.min !== undefined && ms < o.min) fail(path, `a duration of at least ${o.min}ms`, raw);
      return ms;
    },
    { ...o, defaultText: o.default === undefined ? undefined : formatDuration(o.default) },
  );
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const SIZE_UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const SIZE_RE = /^(\d+)\s*(B|KiB|MiB|GiB)$/;

/** A byte size such as "32MiB" or a plain integer of bytes. */
export function sizeOption(o: Common<number>): Option<number> {
  return option(
    'size',
    o.doc,
    (raw, path) => {
      if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) return raw;
      const m = typeof raw === 'string' ? SIZE_RE.exec(raw) : null;
      if (!m) fail(path, 'a size such as "32MiB", "512KiB" or a number of bytes', raw);
      return Number(m[1]) * SIZE_UNITS[m[2]!]!;
    },
    { ...o, defaultText: o.default === undefined ? undefined : formatSize(o.default) },
  );
}

export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes % size === 0 && bytes >= size) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/** A secret given inline; `<key>_file` reads it from a file at start-up (handled by the caller). */
export function secretOption(o: Common<string>): Option<string> {
  return stringOption(o);
}

/**
 * Validates a mapping against a schema: unknown keys and missing required keys are errors,
 * defaults fill the rest. `path` prefixes every message (e.g. "backends[0]").
 */
export function parseOptions<S extends OptionsSchema>(
  schema: S,
  raw: unknown,
  path: string,
  ignoreKeys: readonly string[] = [],
): ParsedOptions<S> {
  const where = path === '' ? 'the configuration' : path;
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(where, 'a mapping', raw);
  const input = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!(key in schema) && !ignoreKeys.includes(key)) {
      const known = Object.keys(schema).join(', ');
      throw new ConfigError(`${join(path, key)}: unknown key (known keys: ${known})`);
    }
  }
  for (const [key, opt] of Object.entries(schema)) {
    const value = input[key];
    if (value === undefined || value === null) {
      if (opt.required) throw new ConfigError(`${join(path, key)}: required key is missing (${opt.doc})`);
      out[key] = opt.fallback;
    } else {
      out[key] = opt.parse(value, join(path, key));
    }
  }
  return out as ParsedOptions<S>;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
