// A STAND-IN for an OpenTSDB 2.4 TSD (no real one runs here: it needs HBase). It follows
// OpenTSDB's documented HTTP contract (api_http/put, api_http/query, user_guide/query/filters),
// not promgate's needs, and keeps data in memory:
//
// POST /api/put[?details|?summary]: one object or an array of {metric,timestamp,value,tags}.
//   Names: letters (Unicode), digits, `-_./`; ≥ 1 tag, ≤ maxTags; a new metric needs
//   autoCreateMetrics (tsd.core.auto_create_metrics, default false as in OpenTSDB); ≤ 10-digit
//   timestamps are seconds, 13-digit milliseconds; a value without `.eE` is a 64-bit integer;
//   NaN/±Inf are refused. Good points are stored even when others fail: 204, or with
//   `details` 200/400 + {success, failed, errors:[{datapoint, error}]}.
// POST /api/query: {start, end?, msResolution|ms?, queries:[{aggregator, metric, filters}]}.
//   A series lacking a filtered tag key never matches (OpenTSDB 2.x puts the tag key of every
//   filter into its row-key scan, whatever the filter type). literal_or values must have been
//   written ("No such name for 'tagv'"); regexp is unanchored find() (JS RegExp here, not
//   Java). `none` returns every series with its own tags; other aggregators merge the matches
//   per timestamp without interpolation (a simplification). Answer: [{metric, tags,
//   aggregateTags, dps:{"<ts>":value}}]; errors: {"error":{"code","message"}}.
// Also: POST /api/version (health). Everything else: 404.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, createStandInStore, toMs } from './opentsdb-store.js';

export interface OpenTsdbStandIn {
  readonly url: string;
  /** Query bodies received, for assertions on what a client pushed down. */
  readonly queries: unknown[];
  /** Stops listening (data kept), for "backend down" cases; start() listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startOpenTsdbStandIn(
  o: { autoCreateMetrics?: boolean; maxTags?: number } = {},
): Promise<OpenTsdbStandIn> {
  const data = createStandInStore(o);
  const { known } = data;
  const queries: unknown[] = [];

  const handlePut = (body: unknown, url: URL, res: ServerResponse) => {
    const points = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
    const errors: { datapoint: unknown; error: string }[] = [];
    for (const dp of points) {
      try {
        data.put(dp);
      } catch (err) {
        errors.push({ datapoint: dp, error: (err as Error).message });
      }
    }
    const details = url.searchParams.has('details');
    if (!details && !url.searchParams.has('summary')) {
      if (errors.length === 0) return send(res, 204);
      throw new ApiError(400, `One or more data points had errors: ${errors[0]!.error}`);
    }
    const summary = { success: points.length - errors.length, failed: errors.length };
    send(res, errors.length === 0 ? 200 : 400, details ? { ...summary, errors } : summary);
  };

  const handleQuery = (body: Record<string, unknown>, res: ServerResponse) => {
    queries.push(body);
    if (body.start === undefined) throw new ApiError(400, 'Missing start time');
    const start = toMs(body.start, 'start time');
    const end = body.end === undefined ? Date.now() : toMs(body.end, 'end time');
    const ms = body.msResolution === true || body.ms === true;
    if (!Array.isArray(body.queries) || body.queries.length === 0) throw new ApiError(400, 'Missing queries');
    const out: unknown[] = [];
    for (const q of body.queries as Record<string, unknown>[]) {
      const agg = q.aggregator;
      if (!['none', 'sum', 'min', 'max', 'avg', 'count'].includes(String(agg)))
        throw new ApiError(400, `No such aggregator: ${String(agg)}`);
      const metric = String(q.metric);
      if (!known.metrics.has(metric)) throw new ApiError(400, `No such name for 'metrics': '${metric}'`);
      const filters = (q.filters ?? []) as { type: string; tagk: string; filter: string }[];
      for (const f of filters) {
        if (
          !['literal_or', 'iliteral_or', 'not_literal_or', 'not_iliteral_or', 'wildcard', 'regexp'].includes(
            f.type,
          )
        )
          throw new ApiError(400, `Could not find a filter plugin of type: ${f.type}`);
        if (!known.tagk.has(f.tagk)) throw new ApiError(400, `No such name for 'tagk': '${f.tagk}'`);
        if (f.type === 'literal_or')
          for (const v of f.filter.split('|'))
            if (!known.tagv.has(v)) throw new ApiError(400, `No such name for 'tagv': '${v}'`);
      }
      const hits = data.series().filter((s) => s.metric === metric && data.matches(s, filters));
      const groups = agg === 'none' ? hits.map((s) => [s]) : hits.length > 0 ? [hits] : [];
      for (const group of groups) {
        const byTs = new Map<number, number[]>();
        for (const s of group)
          for (const [t, v] of s.points)
            if (t >= start && t <= end)
              byTs.set(ms ? t : Math.floor(t / 1000), [
                ...(byTs.get(ms ? t : Math.floor(t / 1000)) ?? []),
                v,
              ]);
        if (byTs.size === 0) continue;
        const reduce = (vs: number[]) =>
          agg === 'sum'
            ? vs.reduce((a, b) => a + b, 0)
            : agg === 'min'
              ? Math.min(...vs)
              : agg === 'max'
                ? Math.max(...vs)
                : agg === 'count'
                  ? vs.length
                  : agg === 'avg'
                    ? vs.reduce((a, b) => a + b, 0) / vs.length
                    : vs[vs.length - 1]!;
        const dps: Record<string, number> = {};
        for (const t of [...byTs.keys()].sort((a, b) => a - b)) dps[String(t)] = reduce(byTs.get(t)!);
        const common = Object.entries(group[0]!.tags).filter(([k, v]) => group.every((s) => s.tags[k] === v));
        const allKeys = new Set(group.flatMap((s) => Object.keys(s.tags)));
        const tags = Object.fromEntries(common);
        out.push({ metric, tags, aggregateTags: [...allKeys].filter((k) => !(k in tags)), dps });
      }
    }
    send(res, 200, out);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      try {
        if (url.pathname === '/api/version') return send(res, 200, { version: '2.4.1-stand-in' });
        if (req.method !== 'POST' || (url.pathname !== '/api/put' && url.pathname !== '/api/query'))
          throw new ApiError(404, 'Endpoint not found');
        let body: unknown;
        try {
          // OpenTSDB reads `value` as text (integer unless it has `.`, `e` or `E`); keep it.
          const text = Buffer.concat(chunks).toString('utf8');
          body = JSON.parse(
            url.pathname === '/api/put'
              ? text.replace(/("value"\s*:\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"')
              : text,
          );
        } catch {
          throw new ApiError(400, 'Unable to parse the given JSON');
        }
        if (url.pathname === '/api/put') handlePut(body, url, res);
        else handleQuery(body as Record<string, unknown>, res);
      } catch (err) {
        const code = err instanceof ApiError ? err.code : 500;
        send(res, code, { error: { code, message: (err as Error).message } });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const stop = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    stop,
    start: () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r)),
    close: stop,
  };
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  // Jackson writes a float -0.0 as `-0.0`; JSON.stringify would write 0.
  const text = JSON.stringify(body, (_k, v: unknown) => (Object.is(v, -0) ? '\u0000-0' : v)).replace(
    /"\\u0000-0"/g,
    '-0.0',
  );
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
    .end(text);
}
