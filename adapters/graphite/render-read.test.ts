// Reads through graphite-web 1.1.8's render API in both naming modes: labels restored from
// legacy paths and from tagged names, and the matcher pushdown (seriesByTag equality, regex,
// negation) selecting what Prometheus would select, against the real servers.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Adapter, Matcher, MatcherType } from '../../src/adapter.js';
import { bitsOf, makeBatch, readAll } from '../../test/contract/adapter-contract.js';
import type { CarbonServer } from '../../test/harness/carbon.js';
import { startCarbonWithWeb, type GraphiteWeb } from '../../test/harness/graphite-web.js';
import { signal, startTestAdapter } from './test-support.js';

const T = (Math.floor(Date.now() / 1000) - 300) * 1000;
const m = (type: MatcherType, name: string, value: string): Matcher => ({ type, name, value });

let carbon: CarbonServer;
let web: GraphiteWeb;
before(async () => {
  ({ carbon, web } = await startCarbonWithWeb());
});
after(async () => {
  await carbon?.destroy();
  await web?.destroy();
});

// No `;` in values: in path mode the legacy escaping keeps it raw, and carbon ≥ 1.1 then files
// the path under _tagged/ (README, open points).
const SERIES: Record<string, string>[] = [
  { __name__: 'http_requests_total', job: 'api', code: '200', path: '/a.b' },
  { __name__: 'http_requests_total', job: 'api', code: '500', path: '/a,b (c)' },
  { __name__: 'http_requests_total', job: 'web', code: '503', path: '~x=y' },
  { __name__: 'http_requests_total', job: 'web', code: '200' },
];

async function load(a: Adapter) {
  const batch = makeBatch(
    SERIES.map((labels, i) => ({
      labels,
      samples: [
        [T, bitsOf(i)],
        [T + 1000, bitsOf(i + 0.25)],
      ] as const,
    })),
  );
  assert.deepEqual(await a.write(batch, signal()), { written: 8, rejected: [] });
}

/** What Prometheus selects, evaluated on the test's own label sets (no regex beyond literals). */
function expected(matchers: Matcher[]): string[] {
  return SERIES.filter((s) =>
    matchers.every((x) => {
      const v = s[x.name] ?? '';
      const alts = x.value.split('|');
      if (x.type === 'EQ') return v === x.value;
      if (x.type === 'NEQ') return v !== x.value;
      if (x.type === 'RE') return alts.includes(v);
      return !alts.includes(v);
    }),
  ).map((s) => JSON.stringify(Object.entries(s).sort()));
}

async function selected(a: Adapter, matchers: Matcher[]): Promise<string[]> {
  const got = await readAll(a, matchers, T - 5000, T + 5000);
  for (const e of got.values()) assert.equal(e.samples.length, 2);
  return [...got.values()].map((e) => JSON.stringify(e.labels.map((l) => [l.name, l.value]).sort()));
}

const QUERIES: Matcher[][] = [
  [m('EQ', '__name__', 'http_requests_total')],
  [m('EQ', '__name__', 'http_requests_total'), m('EQ', 'job', 'api')],
  [m('EQ', '__name__', 'http_requests_total'), m('RE', 'code', '500|503')],
  [m('EQ', '__name__', 'http_requests_total'), m('NRE', 'code', '500|503')],
  [m('EQ', '__name__', 'http_requests_total'), m('NEQ', 'job', 'api')],
  [m('EQ', '__name__', 'http_requests_total'), m('EQ', 'path', '/a,b (c)')],
  [m('EQ', '__name__', 'http_requests_total'), m('EQ', 'path', '')],
];

describe('graphite reads through graphite-web render', () => {
  for (const mode of ['tags', 'path'] as const) {
    it(`${mode} mode: labels restored, matchers select what Prometheus would`, async () => {
      const a = await startTestAdapter({
        address: `127.0.0.1:${carbon.linePort}`,
        mode,
        prefix: `${mode}.`,
        render_url: web.renderUrl,
      });
      try {
        await load(a);
        for (const q of QUERIES) {
          // The core re-applies every matcher; emulate that for what was only partly pushed down.
          const got = (await selected(a, q)).filter((k) => expected(q).includes(k));
          assert.deepEqual(got.sort(), expected(q).sort(), JSON.stringify(q));
        }
        const all = await readAll(
          a,
          [m('EQ', '__name__', 'http_requests_total'), m('EQ', 'code', '503')],
          T,
          T + 1000,
        );
        const one = [...all.values()].find((e) =>
          e.labels.some((l) => l.name === 'code' && l.value === '503'),
        );
        assert.deepEqual(one!.samples, [
          [T, bitsOf(2)],
          [T + 1000, bitsOf(2.25)],
        ]);
      } finally {
        await a.close();
      }
    });
  }
});
