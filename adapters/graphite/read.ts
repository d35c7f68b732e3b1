// Remote read through graphite-web's render API (format=json, raw points, nulls dropped):
// tags mode selects with seriesByTag(...) built from the matchers, path mode with name.*.*…
// globs; labels come back from the names. Whisper answers (from, until], so one second more
// is asked for and the exact [start, end] is cut here (protocols.md §8.2).

import {
  makeSeriesRef,
  sortLabels,
  type Label,
  type ReadQuery,
  type SeriesSamples,
} from '../../src/adapter.js';
import type { GraphiteWeb, RenderSeries } from './graphite-web.js';
import { parseLegacyPath } from './legacy-path.js';
import { pathTargets } from './path-targets.js';
import { seriesByTagTarget, tagExpressions } from './series-by-tag.js';
import type { NamingMode } from './series-naming.js';
import type { RecentWrites } from './recent-writes.js';
import { parseTaggedName } from './tagged-name.js';
import type { TemplateRules } from './template-rules.js';

/** 9 digits: graphite-web reads an 8-digit number as YYYYMMDD. */
const MIN_FROM_SEC = 100_000_000;
/** 9999-12-31T23:59:59Z, the last second Python's datetime holds. */
const MAX_UNTIL_SEC = 253_402_300_799;
const SETTLE_POLL_MS = 200;

export interface ReadContext {
  readonly web: GraphiteWeb;
  readonly mode: NamingMode;
  readonly prefix: string;
  readonly maxLabels: number;
  /** `mode: path` templates: paths they could have written are never read as legacy paths. */
  readonly templates?: TemplateRules | undefined;
  readonly settleMs: number;
  readonly recent: RecentWrites;
  readonly checkpoint: () => void;
}

export function labelsOf(
  ctx: Pick<ReadContext, 'mode' | 'prefix' | 'templates'>,
  target: string,
): Label[] | undefined {
  if (ctx.mode === 'path') {
    // A templated path has no label names; parsed as a legacy path it would get wrong ones.
    if (ctx.templates?.mayHaveWritten(target)) return undefined;
    return parseLegacyPath(ctx.prefix, target);
  }
  if (!target.startsWith(ctx.prefix)) return undefined;
  return parseTaggedName(target.slice(ctx.prefix.length));
}

function toSamples(ctx: ReadContext, s: RenderSeries, query: ReadQuery): SeriesSamples | undefined {
  const labels = labelsOf(ctx, s.target);
  if (labels === undefined) return undefined;
  const points = s.datapoints.filter(
    ([v, t]) => v !== null && t * 1000 >= query.startMs && t * 1000 <= query.endMs,
  );
  points.sort((a, b) => a[1] - b[1]);
  const timestamps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    timestamps[i] = points[i]![1] * 1000;
    values[i] = points[i]![0]!;
  }
  return { series: makeSeriesRef(sortLabels(labels)), timestamps, values };
}

/** The path-mode targets as a RegExp over stored paths (they use only `*` and `?`). */
function globRegExp(target: string): RegExp {
  const body = target
    .split('')
    .map((c) => (c === '*' ? '[^.]*' : c === '?' ? '[^.]' : c.replace(/[.^$+()[\]{}|\\]/, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export async function* readSeries(
  ctx: ReadContext,
  query: ReadQuery,
  signal: AbortSignal,
): AsyncGenerator<SeriesSamples> {
  const fromSec = Math.max(Math.floor(query.startMs / 1000) - 1, MIN_FROM_SEC);
  const untilSec = Math.min(Math.ceil(query.endMs / 1000), MAX_UNTIL_SEC);
  if (fromSec >= untilSec) return;
  const expressions = ctx.mode === 'tags' ? tagExpressions(query.matchers, ctx.prefix) : undefined;
  const targets =
    expressions !== undefined
      ? [seriesByTagTarget(expressions)]
      : pathTargets(query.matchers, ctx.prefix, ctx.maxLabels);

  let series = await ctx.web.render(targets, fromSec, untilSec, signal);
  // Points this gateway sent moments ago may not be visible yet (recent-writes.ts): wait for
  // those, and only those, up to read_settle.
  const recent = new Map<string, number[]>();
  for (const [path, secs] of ctx.recent.since(ctx.settleMs)) {
    const inRange = secs.filter((sec) => sec * 1000 >= query.startMs && sec * 1000 <= query.endMs);
    if (inRange.length > 0) recent.set(path, inRange);
  }
  if (recent.size > 0) {
    const deadline = Date.now() + ctx.settleMs;
    // Which of them the query selects: the tag DB knows (tags mode); in path mode only the
    // series returned are checked.
    const listed = expressions !== undefined ? await ctx.web.findSeries(expressions, signal) : undefined;
    const globs = expressions === undefined ? targets.map(globRegExp) : [];
    const candidates = (listed ?? [...recent.keys()].filter((p) => globs.some((g) => g.test(p)))).filter(
      (p) => labelsOf(ctx, p) !== undefined,
    );
    const missing = () => {
      const got = new Map(series.map((s) => [s.target, s.datapoints]));
      return candidates.some((p) => {
        const secs = recent.get(p);
        if (secs === undefined) return false;
        const points = got.get(p);
        if (points === undefined) return true;
        const have = new Set(points.filter(([v]) => v !== null).map(([, t]) => t));
        return secs.some((sec) => !have.has(sec));
      });
    };
    while (missing() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, SETTLE_POLL_MS));
      ctx.checkpoint();
      series = await ctx.web.render(targets, fromSec, untilSec, signal);
    }
  }
  const seen = new Set<string>();
  for (const s of series) {
    ctx.checkpoint();
    if (seen.has(s.target)) continue;
    seen.add(s.target);
    const out = toSamples(ctx, s, query);
    if (out !== undefined) yield out;
  }
}
