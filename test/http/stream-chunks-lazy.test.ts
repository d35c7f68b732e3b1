// The STREAMED_XOR_CHUNKS writer (src/http/stream-chunks.ts) pulls series one at a time: with a
// socket that never has room, it asks its source for the next series only after each 'drain',
// so what it holds is one series, never the answer. A stand-in response object records writes.

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { STREAMED_CONTENT_TYPE, streamChunks } from '../../src/http/stream-chunks.js';
import type { SeriesSamples } from '../../src/model.js';
import { series } from '../read/mock-read-backend.js';

/** Stand-in for a ServerResponse whose socket is full until told otherwise. */
class StandInResponse extends EventEmitter {
  statusCode = 0;
  readonly headers: Record<string, string> = {};
  readonly frames: Buffer[] = [];
  destroyed = false;
  ended = false;
  full = true;
  setHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = value;
  }
  write(frame: Buffer): boolean {
    this.frames.push(frame);
    return !this.full;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('writer: the next series is pulled only once the previous one is written and drained', async () => {
  let pulled = 0;
  async function* source(): AsyncGenerator<SeriesSamples> {
    for (let i = 0; i < 5; i++) {
      pulled++;
      yield series({ __name__: `s${i}` }, [[1000 + i, 1n]]);
    }
  }
  const res = new StandInResponse();
  const frameSizes: number[] = [];
  const sent: string[] = [];
  const done = streamChunks(res as unknown as ServerResponse, 1, () => source(), {
    signal: AbortSignal.timeout(10_000),
    onFrame: (bytes) => frameSizes.push(bytes),
    onSeries: (s) => sent.push(s.series.metricName),
  });
  for (let drains = 0; drains < 3; drains++) {
    await tick();
    assert.equal(res.frames.length, drains + 1);
    assert.equal(pulled, drains + 1, 'one series pulled per frame written');
    res.emit('drain');
  }
  res.full = false;
  res.emit('drain');
  await done;
  assert.equal(pulled, 5);
  assert.ok(res.ended);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], STREAMED_CONTENT_TYPE);
  assert.deepEqual(
    frameSizes,
    res.frames.map((f) => f.length),
  );
  assert.deepEqual(sent, ['s0', 's1', 's2', 's3', 's4']);
});

test('writer: a source that fails before the first frame leaves the status to the caller', async () => {
  async function* source(): AsyncGenerator<SeriesSamples> {
    yield* [];
    throw new Error('backend down before anything was sent');
  }
  const res = new StandInResponse();
  await assert.rejects(
    streamChunks(res as unknown as ServerResponse, 1, () => source(), {
      signal: AbortSignal.timeout(10_000),
    }),
    /backend down before anything was sent/,
  );
  assert.equal(res.statusCode, 0);
  assert.equal(res.frames.length, 0);
  assert.equal(res.destroyed, false);
});
