// Writes into the real carbon-cache 1.1.7 and checks the whisper files with carbon's own code:
// both naming modes, every transport, hostile label values, special values, and carbon killed
// (restarts: carbon-restart.test.ts).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Adapter } from '../../src/adapter.js';
import { bitsOf, makeBatch, type SeriesSpec } from '../../test/contract/adapter-contract.js';
import { prepareCarbon, type CarbonServer } from '../../test/harness/carbon.js';
import { sleep, waitFor } from '../../test/harness/process.js';
import { signal, startTestAdapter } from './test-support.js';

const NOW = Math.floor(Date.now() / 1000) - 600;
const HOSTILE = [
  "'; DROP TABLE x; --",
  'it\'s "quoted" `back`',
  'back\\slash \\n',
  '100% of a_b',
  'a=b;c!d^e~f',
  '~leading tilde',
  'line1\nline2\r\n\ttab',
  ' padded ',
  'Grüße 世界 Ωμέγα',
  '😀 𝄞 \u{10FFFF}',
  'nbsp\u00a0ideo\u3000',
  'a.b*c+(d)[e]{f}|g^h?',
  'x'.repeat(200),
];

let carbon: CarbonServer;
before(async () => {
  carbon = await prepareCarbon();
  await carbon.start();
});
after(async () => {
  await carbon?.destroy();
});

async function stored(metric: string, count: number): Promise<Array<[number, number]>> {
  return waitFor(
    `${count} points for ${metric}`,
    async () => {
      const got = await carbon.fetch(metric, NOW - 60, NOW + 120);
      return got.length >= count ? got : false;
    },
    10_000,
    100,
  );
}

async function withAdapter(raw: Record<string, unknown>, body: (a: Adapter) => Promise<void>) {
  const adapter = await startTestAdapter(raw);
  try {
    await body(adapter);
  } finally {
    await adapter.close();
  }
}

describe('graphite adapter against carbon-cache 1.1.7', () => {
  it('path mode over TCP: legacy paths on disk, values exact, hostile values stored', () =>
    withAdapter({ address: `127.0.0.1:${carbon.linePort}`, prefix: 'pm.' }, async (a) => {
      const specs: SeriesSpec[] = [
        { labels: { __name__: 'up', job: 'api', instance: 'h:9090' }, samples: [[NOW * 1000, bitsOf(1)]] },
        { labels: { __name__: 'vals', k: 'pi' }, samples: [[NOW * 1000 + 999, bitsOf(-Math.PI)]] },
        { labels: { __name__: 'vals', k: 'inf' }, samples: [[NOW * 1000, 0x7ff0000000000000n]] },
        { labels: { __name__: 'vals', k: 'ninf' }, samples: [[NOW * 1000, 0xfff0000000000000n]] },
        { labels: { __name__: 'vals', k: 'tiny' }, samples: [[NOW * 1000, bitsOf(5e-324)]] },
        ...HOSTILE.map((v, i) => ({
          labels: { __name__: 'hostile', case: String(i), v },
          samples: [[NOW * 1000, bitsOf(i)]] as const,
        })),
      ];
      const outcome = await a.write(makeBatch(specs), signal());
      assert.deepEqual(outcome, { written: specs.length, rejected: [] });
      assert.deepEqual(await stored('pm.up.instance.h:9090.job.api', 1), [[NOW, 1]]);
      assert.deepEqual(await stored('pm.vals.k.pi', 1), [[NOW, -Math.PI]]);
      assert.deepEqual(await stored('pm.vals.k.inf', 1), [[NOW, Infinity]]);
      assert.deepEqual(await stored('pm.vals.k.ninf', 1), [[NOW, -Infinity]]);
      assert.deepEqual(await stored('pm.vals.k.tiny', 1), [[NOW, 5e-324]]);
      // Written by hand from protocols.md §6.3 for two of the hostile values.
      assert.deepEqual(await stored('pm.hostile.case.3.v.100%25%20of%20a_b', 1), [[NOW, 3]]);
      assert.deepEqual(
        await stored(
          'pm.hostile.case.8.v.Gr%C3%BC%C3%9Fe%20%E4%B8%96%E7%95%8C%20%CE%A9%CE%BC%CE%AD%CE%B3%CE%B1',
          1,
        ),
        [[NOW, 8]],
      );
    }));

  it('tags mode over TCP: tagged series on disk, hostile values escaped reversibly', () =>
    withAdapter({ address: `127.0.0.1:${carbon.linePort}`, mode: 'tags' }, async (a) => {
      const specs: SeriesSpec[] = HOSTILE.map((v, i) => ({
        labels: { __name__: 'tagged_hostile', case: String(i), v, name: 'label-called-name' },
        samples: [[NOW * 1000, bitsOf(i + 0.5)]],
      }));
      const outcome = await a.write(makeBatch(specs), signal());
      assert.deepEqual(outcome, { written: specs.length, rejected: [] });
      assert.deepEqual(
        await stored('tagged_hostile;case=3;%6Eame=label-called-name;v=100%25%20of%20a_b', 1),
        [[NOW, 3.5]],
      );
      assert.deepEqual(
        await stored('tagged_hostile;case=4;%6Eame=label-called-name;v=a%3Db%3Bc%21d%5Ee%7Ef', 1),
        [[NOW, 4.5]],
      );
      for (const [i] of HOSTILE.entries()) {
        assert.ok(
          !carbon.output().includes('Error parsing metric tagged_hostile'),
          'carbon refused a tagged path',
        );
        assert.equal(
          (
            await stored(
              `tagged_hostile;case=${i};%6Eame=label-called-name;v=${escapeForTest(HOSTILE[i]!)}`,
              1,
            )
          ).length,
          1,
        );
      }
    }));

  it('pickle transport: a 64 KiB label value (too long for a plaintext line) is stored', () =>
    withAdapter(
      { address: `127.0.0.1:${carbon.picklePort}`, transport: 'pickle', mode: 'tags' },
      async (a) => {
        const big = 'y'.repeat(64 * 1024);
        const outcome = await a.write(
          makeBatch([
            { labels: { __name__: 'pickled', v: big }, samples: [[NOW * 1000, 0x8000000000000000n]] },
            {
              labels: { __name__: 'pickled', v: 'small' },
              samples: [
                [NOW * 1000, bitsOf(0.1)],
                [NOW * 1000 + 1000, bitsOf(0.2)],
              ],
            },
          ]),
          signal(),
        );
        assert.deepEqual(outcome, { written: 3, rejected: [] });
        assert.deepEqual(await stored('pickled;v=small', 2), [
          [NOW, 0.1],
          [NOW + 1, 0.2],
        ]);
        const [[, negZero]] = (await stored(`pickled;v=${big}`, 1)) as [[number, number]];
        assert.ok(Object.is(negZero, -0), '-0 kept through pickle');
      },
    ));

  it('plaintext over TCP rejects a line carbon would drop the connection for, and writes the rest', () =>
    withAdapter({ address: `127.0.0.1:${carbon.linePort}`, mode: 'tags' }, async (a) => {
      const outcome = await a.write(
        makeBatch([
          { labels: { __name__: 'toolong', v: 'z'.repeat(20_000) }, samples: [[NOW * 1000, bitsOf(1)]] },
          { labels: { __name__: 'toolong', v: 'fine' }, samples: [[NOW * 1000, bitsOf(2)]] },
        ]),
        signal(),
      );
      assert.equal(outcome.written, 1);
      assert.deepEqual(
        outcome.rejected.map((r) => [r.reason, r.count]),
        [['path_too_long', 1]],
      );
      assert.deepEqual(await stored('toolong;v=fine', 1), [[NOW, 2]]);
    }));

  it('UDP transport stores plaintext datagrams', () =>
    withAdapter({ address: `127.0.0.1:${carbon.linePort}`, transport: 'udp', prefix: 'udp.' }, async (a) => {
      const samples = Array.from({ length: 50 }, (_, i) => [(NOW + i) * 1000, bitsOf(i)] as const);
      await a.write(makeBatch([{ labels: { __name__: 'dgram', k: 'v' }, samples }]), signal());
      assert.equal((await stored('udp.dgram.k.v', 50)).length, 50);
    }));

  it('uses one persistent connection for many batches (never a connection per batch)', () =>
    withAdapter({ address: `127.0.0.1:${carbon.linePort}`, max_connections: 1 }, async (a) => {
      // carbon logs "MetricLineReceiver connection with <peer> established" per accepted connection.
      const opened = () =>
        (carbon.output().match(/MetricLineReceiver connection with .* established/g) ?? []).length;
      await sleep(300); // start() opened the pool's one connection; let carbon log it
      const before = opened();
      assert.ok(before >= 1);
      for (let i = 0; i < 20; i++)
        await a.write(
          makeBatch([{ labels: { __name__: 'persist' }, samples: [[(NOW + i) * 1000, bitsOf(i)]] }]),
          signal(),
        );
      assert.equal((await stored('persist', 20)).length, 20);
      await sleep(300);
      assert.equal(opened() - before, 0, 'new connections opened for 20 batches');
    }));
});

/** The tags-mode escaping, restated independently for the test (see tag-escape.ts for the rules). */
function escapeForTest(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const special =
      ';!^=~%\'"\\'.includes(ch) ||
      c <= 0x20 ||
      (c >= 0x7f && c <= 0xa0) ||
      c === 0x3000 ||
      c === 0x2028 ||
      c === 0x2029;
    out += special
      ? [...Buffer.from(ch)].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('')
      : ch;
  }
  return out;
}
