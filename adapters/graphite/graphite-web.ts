// The few graphite-web HTTP calls the adapter makes: render (json), tag lookup and tag
// registration. Every call has a deadline and is classified into the two error classes.

import { graphiteWebError } from './errors.js';

export interface RenderSeries {
  readonly target: string;
  readonly datapoints: ReadonlyArray<readonly [number | null, number]>;
}

export interface GraphiteWeb {
  render(
    targets: readonly string[],
    fromSec: number,
    untilSec: number,
    signal: AbortSignal,
  ): Promise<RenderSeries[]>;
  findSeries(expressions: readonly string[], signal: AbortSignal): Promise<string[]>;
  /** Registers series in the tag DB; returns their canonical paths (tags sorted). */
  tagSeries(paths: readonly string[], signal: AbortSignal): Promise<string[]>;
  version(signal: AbortSignal): Promise<void>;
}

export function createGraphiteWeb(renderUrl: string, timeoutMs: number): GraphiteWeb {
  const url = (rel: string) => new URL(rel, renderUrl).toString();

  const call = async (what: string, target: string, body: URLSearchParams, signal: AbortSignal) => {
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    let res: Response;
    try {
      // POST: long targets (hostile label values) do not fit a request line.
      res = await fetch(target, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        signal: deadline,
      });
    } catch (err) {
      throw graphiteWebError(what, undefined, err instanceof Error ? err.message : String(err));
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw graphiteWebError(what, res.status, text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw graphiteWebError(what, res.status, `not JSON: ${text.slice(0, 100)}`);
    }
  };

  return {
    async render(targets, fromSec, untilSec, signal) {
      const body = new URLSearchParams();
      for (const t of targets) body.append('target', t);
      // Raw points: no maxDataPoints (it consolidates), nulls dropped server-side.
      body.set('format', 'json');
      body.set('noNullPoints', 'true');
      body.set('from', String(fromSec));
      body.set('until', String(untilSec));
      const out = await call('render', renderUrl, body, signal);
      if (!Array.isArray(out)) throw graphiteWebError('render', undefined, 'answer is not a list');
      return out as RenderSeries[];
    },
    async findSeries(expressions, signal) {
      const body = new URLSearchParams();
      for (const e of expressions) body.append('expr', e);
      const out = await call('tag lookup', url('tags/findSeries'), body, signal);
      return Array.isArray(out) ? out.map(String) : [];
    },
    async tagSeries(paths, signal) {
      const body = new URLSearchParams();
      for (const p of paths) body.append('path', p);
      const out = await call('tag registration', url('tags/tagMultiSeries'), body, signal);
      return Array.isArray(out) ? out.map(String) : [];
    },
    async version(signal) {
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(Math.min(timeoutMs, 5_000))]);
      try {
        const res = await fetch(url('version'), { signal: deadline });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      } catch (err) {
        throw graphiteWebError('version', undefined, err instanceof Error ? err.message : String(err));
      }
    },
  };
}
