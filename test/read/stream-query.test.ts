// The streaming read producer (src/read/execute-query.ts) over MOCK backends (the real Backend
// wrapper around an in-memory adapter): k-way merge by label set across sorted and collected
// sources, the sortedRead promise checked as series flow, failures and early stops reaching
// every backend, histograms merged and clipped, and the SAMPLES collector's limit.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError, RequestError, RetryableError } from '../../src/errors.js';
import { createMetrics } from '../../src/metrics.js';
import { valueBits, type Matcher, type ReadQuery, type SeriesSamples } from '../../src/model.js';
import { executeQuery, streamQuery } from '../../src/read/execute-query.js';
import {
  floatHistogram,
  intHistogram,
  mockReadBackend,
  mockReadBehaviour,
  series,
  STALE,
} from './mock-read-backend.js';

const q = (startMs = 0, endMs = 1000, matchers: Matcher[] = []): ReadQuery => ({ startMs, endMs, matchers });
const never = new AbortController().signal;

function view(s: SeriesSamples): string {
  const labels = s.series.labels.map((l) => `${l.name}=${l.value}`).join(',');
  const samples = Array.from(s.timestamps, (t, i) => `${t}:${valueBits(s.values, i).toString(16)}`);
  const hs = (s.histograms ?? []).map(
    (h) => `${h.timestampMs}:${h.kind === 'int' ? `int${h.count / 10n}` : h.sumBits.toString(16)}`,
  );
  return `{${labels}} [${samples.join(' ')}]${hs.length > 0 ? ` h[${hs.join(' ')}]` : ''}`;
}

async function all(it: AsyncIterable<SeriesSamples>): Promise<string[]> {
  const out: string[] = [];
  for await (const s of it) out.push(view(s));
  return out;
}

describe('streamQuery: merge across backends', () => {
  it('merges a sorted stream and an unsorted (collected) backend in label-set order, first backend wins', async () => {
    const sorted = mockReadBehaviour(
      [
        series({ __name__: 'a' }, [[10, 1n]]),
        series({ __name__: 'b', job: 'x' }, [
          [10, 2n],
          [20, 3n],
        ]),
        series({ __name__: 'd' }, [[10, 4n]]),
      ],
      { sortedRead: true },
    );
    const unsorted = mockReadBehaviour([
      series({ __name__: 'd' }, [[5, 40n]]),
      series({ __name__: 'b', job: 'x' }, [
        [20, 30n],
        [30, STALE],
      ]),
      series({ __name__: 'c' }, [[10, 5n]]),
      series({ __name__: 'b' }, [[10, 6n]]),
      // The same label set twice from a backend without sortedRead: both parts are merged.
      series({ __name__: 'c' }, [
        [10, 50n],
        [15, 51n],
      ]),
    ]);
    const backends = [await mockReadBackend('s', sorted), await mockReadBackend('u', unsorted)];
    assert.deepEqual(await all(streamQuery(q(), backends, never)), [
      '{__name__=a} [10:1]',
      '{__name__=b} [10:6]',
      '{__name__=b,job=x} [10:2 20:3 30:7ff0000000000002]',
      '{__name__=c} [10:5 15:33]',
      '{__name__=d} [5:28 10:4]',
    ]);
  });

  it('re-applies matchers, clips to [start, end] and drops series left empty', async () => {
    const b = mockReadBehaviour(
      [
        series({ __name__: 'up', job: 'a' }, [
          [5, 1n],
          [10, 2n],
          [20, 3n],
          [21, 4n],
        ]),
        series({ __name__: 'up', job: 'b' }, [[100, 1n]]),
        series({ __name__: 'up', job: 'c' }, [[10, 1n]]),
      ],
      { sortedRead: true },
    );
    const matchers: Matcher[] = [{ type: 'NEQ', name: 'job', value: 'c' }];
    assert.deepEqual(await all(streamQuery(q(10, 20, matchers), [await mockReadBackend('m', b)], never)), [
      '{__name__=up,job=a} [10:2 20:3]',
    ]);
  });

  it('is lazy: a sorted backend is read only a series ahead of the consumer', async () => {
    const many = Array.from({ length: 100 }, (_v, i) =>
      series({ __name__: `m${String(i).padStart(3, '0')}` }, [[1, 1n]]),
    );
    const b = mockReadBehaviour(many, { sortedRead: true });
    const stream = streamQuery(q(), [await mockReadBackend('lazy', b)], never);
    const first = await stream.next();
    assert.equal(first.done, false);
    assert.ok(b.yielded <= 2, `read ${b.yielded} series to answer the first`);
    let n = 1;
    for await (const _s of stream) {
      n++;
      assert.ok(b.yielded <= n + 1);
    }
    assert.equal(n, 100);
  });

  it('stopping early (the client went away) stops every backend', async () => {
    const a = mockReadBehaviour(
      Array.from({ length: 50 }, (_v, i) =>
        series({ __name__: `a${i}`, i: String(i).padStart(2, '0') }, [[1, 1n]]),
      ),
      { sortedRead: false },
    );
    const b = mockReadBehaviour(
      Array.from({ length: 50 }, (_v, i) =>
        series({ __name__: `b${String(i).padStart(2, '0')}` }, [[1, 1n]]),
      ),
      { sortedRead: true },
    );
    const backends = [await mockReadBackend('a', a), await mockReadBackend('b', b)];
    for await (const _s of streamQuery(q(), backends, never)) break;
    await new Promise((r) => setImmediate(r));
    assert.ok(a.aborted && b.aborted, 'both read signals aborted');
    assert.ok(b.finished, 'the sorted stream was closed');
    assert.ok(b.yielded < 50);
  });

  it('merges histograms across backends (first wins a shared timestamp) and clips them', async () => {
    const a = mockReadBehaviour(
      [series({ __name__: 'h' }, [], [intHistogram(10, 1n), intHistogram(30, 1n), intHistogram(2000, 1n)])],
      { sortedRead: true },
    );
    const b = mockReadBehaviour([
      series({ __name__: 'h' }, [[15, 1n]], [floatHistogram(20), intHistogram(30, 2n)]),
      series({ __name__: 'only_late' }, [], [intHistogram(5000, 1n)]),
    ]);
    const backends = [await mockReadBackend('a', a), await mockReadBackend('b', b)];
    assert.deepEqual(await all(streamQuery(q(0, 1000), backends, never)), [
      '{__name__=h} [15:1] h[10:int1 20:7ff0000000000002 30:int1]',
    ]);
  });
});

describe('streamQuery: the sortedRead promise', () => {
  it('a backend declaring sortedRead that yields out of order fails the query, naming it', async () => {
    const b = mockReadBehaviour(
      [series({ __name__: 'b' }, [[1, 1n]]), series({ __name__: 'a' }, [[1, 1n]])],
      { sortedRead: true },
    );
    await assert.rejects(all(streamQuery(q(), [await mockReadBackend('liar', b)], never)), (err: unknown) => {
      assert.ok(err instanceof PermanentError);
      assert.equal(err.code, 'UNSORTED_READ');
      assert.match(
        err.message,
        /backend liar declares sortedRead.*\["__name__","a"\] after \["__name__","b"\]/,
      );
      return true;
    });
  });

  it('a backend declaring sortedRead that yields a label set twice fails the query', async () => {
    const b = mockReadBehaviour(
      [series({ __name__: 'a' }, [[1, 1n]]), series({ __name__: 'a' }, [[2, 1n]])],
      { sortedRead: true },
    );
    await assert.rejects(
      all(streamQuery(q(), [await mockReadBackend('twice', b)], never)),
      /backend twice declares sortedRead but its read\(\) yielded \["__name__","a"\] twice/,
    );
  });

  it('the order is checked on everything the backend yields, matched or not', async () => {
    const b = mockReadBehaviour(
      [series({ __name__: 'x' }, [[1, 1n]]), series({ __name__: 'w' }, [[1, 1n]])],
      { sortedRead: true },
    );
    const matchers: Matcher[] = [{ type: 'EQ', name: '__name__', value: 'w' }];
    await assert.rejects(
      all(streamQuery(q(0, 10, matchers), [await mockReadBackend('m', b)], never)),
      /sortedRead/,
    );
  });
});

describe('streamQuery: failures', () => {
  it('one failing backend fails the query and stops the others', async () => {
    const slow = mockReadBehaviour(
      Array.from({ length: 1000 }, (_v, i) =>
        series({ __name__: `s${String(i).padStart(4, '0')}` }, [[1, 1n]]),
      ),
      { sortedRead: true, delayMs: 5 },
    );
    const failing = mockReadBehaviour([series({ __name__: 'f' }, [[1, 1n]])], {
      failAfter: { count: 1, error: new RetryableError('MOCK_DOWN', 'mock backend down') },
    });
    const metrics = createMetrics(undefined, { defaultMetrics: false });
    const backends = [
      await mockReadBackend('slow', slow, metrics),
      await mockReadBackend('bad', failing, metrics),
    ];
    await assert.rejects(all(streamQuery(q(), backends, never)), /mock backend down/);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(slow.aborted, 'the slow backend saw its signal abort');
    assert.ok(slow.yielded < 1000);
    const errors = await metrics.readQueries.get();
    assert.ok(errors.values.some((v) => v.labels.backend === 'bad' && v.labels.result === 'error'));
  });

  it('a failure after series were yielded ends the stream with that error', async () => {
    const b = mockReadBehaviour(
      [series({ __name__: 'a' }, [[1, 1n]]), series({ __name__: 'b' }, [[1, 1n]])],
      {
        sortedRead: true,
        failAfter: { count: 2, error: new RetryableError('MOCK_DOWN', 'gone mid-stream') },
      },
    );
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const s of streamQuery(q(), [await mockReadBackend('m', b)], never)) seen.push(view(s));
    }, /gone mid-stream/);
    assert.deepEqual(seen, ['{__name__=a} [1:1]']);
  });

  it('an invalid regex throws at the call, before any backend is asked', async () => {
    const b = mockReadBehaviour([series({ __name__: 'a' }, [[1, 1n]])]);
    const backend = await mockReadBackend('m', b);
    assert.throws(
      () => streamQuery(q(0, 10, [{ type: 'RE', name: 'job', value: '(' }]), [backend], never),
      (err: unknown) => err instanceof RequestError && err.reason === 'bad_regex',
    );
    assert.equal(b.yielded, 0);
  });
});

describe('executeQuery (SAMPLES): collects the stream under web.read_sample_limit', () => {
  it('counts samples and histograms of the merged, clipped answer', async () => {
    const mk = () =>
      mockReadBehaviour(
        [
          series(
            { __name__: 'a' },
            [
              [1, 1n],
              [2, 1n],
              [5000, 1n],
            ],
            [intHistogram(3)],
          ),
        ],
        { sortedRead: true },
      );
    // 2 samples + 1 histogram in range, the same in both backends: 3 after merging.
    const backends = [await mockReadBackend('a', mk()), await mockReadBackend('b', mk())];
    assert.equal((await executeQuery(q(0, 10), backends, never, 3)).length, 1);
    await assert.rejects(executeQuery(q(0, 10), backends, never, 2, 2), (err: unknown) => {
      assert.ok(err instanceof RequestError);
      assert.equal(err.status, 400);
      assert.equal(err.reason, 'read_sample_limit');
      assert.match(err.message, /more than 2 samples/);
      return true;
    });
  });

  it('stops collecting a backend without sortedRead once it hands over more than the limit', async () => {
    const b = mockReadBehaviour(
      Array.from({ length: 100 }, (_v, i) => series({ __name__: `m${i}` }, [[1, 1n]])),
    );
    await assert.rejects(
      executeQuery(q(), [await mockReadBackend('big', b)], never, 10, 500),
      /more than 500 samples/,
    );
    assert.equal(b.yielded, 11);
  });
});
