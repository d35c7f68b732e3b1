// Path templates against the real carbon-cache 1.1.7 and graphite-web 1.1.8: templated paths,
// `continue` and the default fallback land on disk as whisper files (read with whisper itself),
// escaped values stay one node, a series stopped by a rule has no default-path file, and a read
// never returns a templated path as a legacy one with wrong labels.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bitsOf, makeBatch, readAll, type SeriesSpec } from '../../test/contract/adapter-contract.js';
import type { CarbonServer } from '../../test/harness/carbon.js';
import { startCarbonWithWeb, type GraphiteWeb } from '../../test/harness/graphite-web.js';
import { waitFor } from '../../test/harness/process.js';
import { signal, startTestAdapter } from './test-support.js';

const NOW = Math.floor(Date.now() / 1000) - 600;

let carbon: CarbonServer;
let web: GraphiteWeb;
before(async () => {
  ({ carbon, web } = await startCarbonWithWeb());
});
after(async () => {
  await carbon?.destroy();
  await web?.destroy();
});

async function stored(metric: string): Promise<Array<[number, number]>> {
  return waitFor(
    `points for ${metric}`,
    async () => {
      const got = await carbon.fetch(metric, NOW - 60, NOW + 120);
      return got.length > 0 ? got : false;
    },
    10_000,
    100,
  );
}

describe('graphite path templates against carbon-cache 1.1.7 and graphite-web 1.1.8', () => {
  it('writes templated, continued and default paths; escaped values stay one node', async () => {
    const adapter = await startTestAdapter({
      address: `127.0.0.1:${carbon.linePort}`,
      prefix: 'legacy.',
      template_vars: { env: 'prod' },
      templates: [
        { match: { job: 'api' }, template: 'tpl.{{var.env}}.{{labels.job}}.{{name}}.{{labels.instance}}' },
        { match_re: { __name__: 'http_.+' }, template: 'tpl.http.{{labels.code}}.{{name}}', continue: true },
        { match: { team: 'web' }, template: 'tpl.teams.{{labels.team}}.{{name}}' },
      ],
    });
    try {
      const specs: SeriesSpec[] = [
        { labels: { __name__: 'up', job: 'api', instance: 'h1:9090' }, samples: [[NOW * 1000, bitsOf(1)]] },
        { labels: { __name__: 'up', job: 'api', instance: 'a.b*c?[d]' }, samples: [[NOW * 1000, bitsOf(2)]] },
        {
          labels: { __name__: 'http_requests_total', code: '200', team: 'web' },
          samples: [[NOW * 1000, bitsOf(3)]],
        },
        {
          labels: { __name__: 'http_requests_total', code: '500', team: 'db' },
          samples: [[NOW * 1000, bitsOf(4)]],
        },
        { labels: { __name__: 'up', job: 'other' }, samples: [[NOW * 1000, bitsOf(5)]] },
      ];
      const outcome = await adapter.write(makeBatch(specs), signal());
      // A sample counts once, however many paths carry it.
      assert.deepEqual(outcome, { written: specs.length, rejected: [] });

      assert.deepEqual(await stored('tpl.prod.api.up.h1:9090'), [[NOW, 1]]);
      assert.deepEqual(await stored('tpl.prod.api.up.a%2Eb%2Ac%3F%5Bd%5D'), [[NOW, 2]]);
      // continue: the http rule, then the team rule stops.
      assert.deepEqual(await stored('tpl.http.200.http_requests_total'), [[NOW, 3]]);
      assert.deepEqual(await stored('tpl.teams.web.http_requests_total'), [[NOW, 3]]);
      // continue and no stopping rule: the http path and the default path.
      assert.deepEqual(await stored('tpl.http.500.http_requests_total'), [[NOW, 4]]);
      assert.deepEqual(await stored('legacy.http_requests_total.code.500.team.db'), [[NOW, 4]]);
      // No rule: the legacy path, unchanged.
      assert.deepEqual(await stored('legacy.up.job.other'), [[NOW, 5]]);

      const whisper = join(carbon.storageDir, 'whisper');
      // The hostile value is one file in the `up` directory, no glob character on disk.
      assert.deepEqual(readdirSync(join(whisper, 'tpl/prod/api/up')).sort(), [
        'a%2Eb%2Ac%3F%5Bd%5D.wsp',
        'h1:9090.wsp',
      ]);
      // Series a rule stopped have no default-path file (everything above is on disk by now).
      assert.equal(existsSync(join(whisper, 'legacy/up/instance')), false);
      assert.equal(existsSync(join(whisper, 'legacy/http_requests_total/code/200')), false);
    } finally {
      await adapter.close();
    }
  });

  it('reads never return a templated path with wrong labels', async () => {
    const address = `127.0.0.1:${carbon.linePort}`;
    // `tr.api.h1` parses as the legacy path of tr{api="h1"}: a wrong label set.
    const templates = [{ match: { job: 'api' }, template: '{{name}}.{{labels.job}}.{{labels.instance}}' }];
    const a = await startTestAdapter({ address, render_url: web.renderUrl, templates });
    // The same storage read without templates: shows the templated file is within the read's reach.
    const plain = await startTestAdapter({ address, render_url: web.renderUrl, read_settle: '0s' });
    try {
      const specs: SeriesSpec[] = [
        { labels: { __name__: 'tr', job: 'api', instance: 'h1' }, samples: [[NOW * 1000, bitsOf(1)]] },
        { labels: { __name__: 'tr', job: 'web', instance: 'h2' }, samples: [[NOW * 1000, bitsOf(2)]] },
      ];
      assert.deepEqual(await a.write(makeBatch(specs), signal()), { written: 2, rejected: [] });
      await stored('tr.api.h1');
      await stored('tr.instance.h2.job.web');
      const query = [{ type: 'EQ' as const, name: '__name__', value: 'tr' }];
      const labelSets = async (adapter: typeof a) =>
        [...(await readAll(adapter, query, (NOW - 5) * 1000, (NOW + 5) * 1000)).values()]
          .map((e) => JSON.stringify(e.labels.map((l) => [l.name, l.value])))
          .sort();
      const mislabeled = JSON.stringify([
        ['__name__', 'tr'],
        ['api', 'h1'],
      ]);
      const legacy = JSON.stringify([
        ['__name__', 'tr'],
        ['instance', 'h2'],
        ['job', 'web'],
      ]);
      assert.deepEqual(await labelSets(plain), [mislabeled, legacy].sort());
      assert.deepEqual(await labelSets(a), [legacy]);
    } finally {
      await a.close();
      await plain.close();
    }
  });
});
