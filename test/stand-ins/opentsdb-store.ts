// The data side of the OpenTSDB stand-in (opentsdb-query-stand-in.ts): the write rules of
// OpenTSDB's /api/put documentation, the names it knows (UIDs), and tag filters as the query
// filter documentation describes them. In memory; one store per stand-in.

export interface Series {
  metric: string;
  tags: Record<string, string>;
  points: Map<number, number>;
}

const NAME = /^[\p{L}0-9\-_./]+$/u;
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function toMs(raw: unknown, what: string): number {
  const text = String(raw);
  const rel = /^(\d+)(ms|s|m|h|d)-ago$/.exec(text);
  if (rel) return Date.now() - Number(rel[1]) * { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 'ms'];
  if (!/^\d{1,13}$/.test(text)) throw new ApiError(400, `Invalid ${what}: ${text}`);
  return text.length <= 10 ? Number(text) * 1000 : Number(text);
}

function parseValue(raw: unknown): number {
  const text = typeof raw === 'number' ? JSON.stringify(raw) : String(raw);
  let v: number;
  if (!/[.eE]/.test(text)) {
    if (!/^[-+]?\d+$/.test(text) || BigInt(text) > 2n ** 63n - 1n || BigInt(text) < -(2n ** 63n))
      throw new Error('Unable to parse value to a number');
    v = Number(text);
  } else v = Number(text);
  if (Number.isNaN(v) || !Number.isFinite(v)) throw new Error('value is NaN or Infinite');
  return v;
}

export interface TagFilterSpec {
  readonly type: string;
  readonly tagk: string;
  readonly filter: string;
}

export interface StandInStore {
  /** Stores one data point or throws with OpenTSDB's per-point error text. */
  put(dp: Record<string, unknown>): void;
  readonly known: { metrics: Set<string>; tagk: Set<string>; tagv: Set<string> };
  series(): Series[];
  /** Every filter must match; a series lacking a filtered tag key never matches. */
  matches(s: Series, filters: readonly TagFilterSpec[]): boolean;
}

export function createStandInStore(o: { autoCreateMetrics?: boolean; maxTags?: number }): StandInStore {
  const store = new Map<string, Series>();
  const known = { metrics: new Set<string>(), tagk: new Set<string>(), tagv: new Set<string>() };
  const put = (dp: Record<string, unknown>) => {
    const { metric, tags, timestamp, value } = dp;
    if (typeof metric !== 'string' || !NAME.test(metric))
      throw new Error(`Invalid metric name: ${String(metric)}`);
    if (tags === null || typeof tags !== 'object') throw new Error('Missing tags');
    const entries = Object.entries(tags as Record<string, unknown>);
    if (entries.length === 0) throw new Error('Need at least one tag');
    if (entries.length > (o.maxTags ?? 8))
      throw new Error(`Too many tags: ${entries.length} maximum allowed: ${o.maxTags ?? 8}`);
    for (const [k, v] of entries)
      if (!NAME.test(k) || typeof v !== 'string' || !NAME.test(v))
        throw new Error(`Invalid tag: ${k}=${String(v)}`);
    if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp <= 0)
      throw new Error('Invalid timestamp');
    const ms = toMs(timestamp, 'timestamp');
    const v = parseValue(value);
    if (!known.metrics.has(metric) && !o.autoCreateMetrics)
      throw new Error(`No such name for 'metrics': '${metric}'`);
    known.metrics.add(metric);
    for (const [k, tv] of entries) {
      known.tagk.add(k);
      known.tagv.add(tv as string);
    }
    const sorted = Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1))) as Record<string, string>;
    const key = JSON.stringify([metric, sorted]);
    let s = store.get(key);
    if (!s) store.set(key, (s = { metric, tags: sorted, points: new Map() }));
    s.points.set(ms, v);
  };

  const matches = (s: Series, filters: readonly TagFilterSpec[]) =>
    filters.every((f) => {
      const v = s.tags[f.tagk];
      if (v === undefined) return false;
      const list = f.filter.split('|');
      switch (f.type) {
        case 'literal_or':
          return list.includes(v);
        case 'iliteral_or':
          return list.some((x) => x.toLowerCase() === v.toLowerCase());
        case 'not_literal_or':
          return !list.includes(v);
        case 'not_iliteral_or':
          return !list.some((x) => x.toLowerCase() === v.toLowerCase());
        case 'wildcard':
          return new RegExp(
            `^${f.filter
              .split('*')
              .map((p) => p.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
              .join('.*')}$`,
          ).test(v);
        default:
          return new RegExp(f.filter).test(v); // regexp: find(), unanchored
      }
    });

  return { put, known, series: () => [...store.values()], matches };
}
