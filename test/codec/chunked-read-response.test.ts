// STREAMED_XOR_CHUNKS framing: CRC-32C, the frame layout against the frame captured from
// Prometheus 2.42 (protocols.md §4.4: length 141, CRC 0x2c3630a2), one series per frame, and a
// series split over consecutive frames at the frame-size cap; the streaming writer's
// backpressure and its cut-the-connection rule.

import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from '../../src/codec/crc32c.js';
import {
  encodeChunkField,
  encodeFrame,
  encodeSeriesLabels,
  seriesFrames,
} from '../../src/codec/chunked-read-response.js';
import { xorChunks } from '../../src/codec/xor-chunk.js';
import { STREAMED_CONTENT_TYPE, streamChunks } from '../../src/http/stream-chunks.js';
import { createLogger } from '../../src/log.js';
import { makeSeriesRef, setValueBits, type SeriesSamples } from '../../src/model.js';
import { crc32cSlow, decodeFrames, decodeStreamedSeries, decodeXorChunk } from '../support/xor-decode.js';

const VECTOR_HEX =
  '000ac0e1adf2c1683ff00000000000009875309bffd20fa3703a890c5effec00000000000713882071f90f22001d67f0c35067e79fc8791000eb3be0000000000155cc1800fff80000000000015808a0000000000000';

test('CRC-32C check values', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  const random = Buffer.from(Array.from({ length: 4099 }, (_v, i) => (i * 7919 + (i >> 3)) & 0xff));
  assert.equal(crc32c(random), crc32cSlow(random));
});

test('a frame is byte-identical to the one Prometheus 2.42 sent for the test vector', () => {
  const chunk = { minTimeMs: 1795550460000, maxTimeMs: 1795552351000, data: Buffer.from(VECTOR_HEX, 'hex') };
  const labels = encodeSeriesLabels([
    { name: '__name__', value: 'xor_test' },
    { name: 'job', value: 't' },
  ]);
  const frame = encodeFrame(labels, [encodeChunkField(chunk)], 0);
  assert.equal(frame.subarray(0, 9).toString('hex'), '8d012c3630a20a8a01');
  assert.equal(frame.length, 2 + 4 + 141);
  const [decoded] = decodeFrames(frame);
  assert.deepEqual(decoded!.series[0]!.labels, [
    ['__name__', 'xor_test'],
    ['job', 't'],
  ]);
  assert.equal(decoded!.series[0]!.chunks[0]!.data.toString('hex'), VECTOR_HEX);
});

function bigSeries(n: number) {
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    timestamps[i] = 1_700_000_000_000 + i * 1000;
    // Incompressible bit patterns: about 1 KiB per chunk.
    setValueBits(values, i, BigInt.asUintN(64, BigInt(i) * 0x9e3779b97f4a7c15n));
  }
  return { timestamps, values };
}

test('a series over the frame cap continues in consecutive frames, each with one series', () => {
  const s = bigSeries(5000);
  const labels = [
    { name: '__name__', value: 'big' },
    { name: 'instance', value: 'x' },
  ];
  const cap = 8 * 1024;
  const frames = [...seriesFrames(labels, xorChunks(s.timestamps, s.values), 3, cap)];
  assert.ok(frames.length > 1);
  const body = Buffer.concat(frames);
  const decoded = decodeFrames(body);
  for (const f of decoded) {
    assert.equal(f.series.length, 1);
    assert.equal(f.queryIndex, 3);
    assert.ok(f.series[0]!.chunks.length >= 1);
  }
  for (const frame of frames) assert.ok(frame.length <= cap + 16, `frame of ${frame.length} bytes`);
  const joined = decodeStreamedSeries(body);
  assert.equal(joined.length, 1);
  assert.equal(joined[0]!.samples.length, 5000);
  assert.ok(joined[0]!.samples.every((x, i) => x.t === s.timestamps[i]));
  assert.deepEqual(
    joined[0]!.chunks.flatMap((c) => decodeXorChunk(c.data)),
    joined[0]!.samples,
  );
});

test('labels are sent sorted by UTF-8 bytes, empty values left out; no chunks means no frame', () => {
  const ref = makeSeriesRef([
    { name: 'b', value: 'x' },
    { name: 'a', value: '' },
    { name: '__name__', value: 'm' },
  ]);
  const timestamps = new Float64Array([0, 1]);
  const values = new Float64Array([1, 2]);
  const [frame] = [...seriesFrames(ref.labels, xorChunks(timestamps, values), 0)];
  const [decoded] = decodeFrames(frame!);
  assert.deepEqual(decoded!.series[0]!.labels, [
    ['__name__', 'm'],
    ['b', 'x'],
  ]);
  // min_time 0 is a proto3 default and absent on the wire; it still decodes as 0.
  assert.equal(decoded!.series[0]!.chunks[0]!.minTimeMs, 0);
  assert.deepEqual([...seriesFrames(ref.labels, [], 0)], []);
});

// ---- the streaming writer (src/http/stream-chunks.ts) on a plain node:http server ----------

interface Served {
  url: string;
  result: Promise<unknown>;
  falseWrites: () => number;
  logs: string[];
  close: () => Promise<void>;
}

async function serve(
  runQuery: (q: number) => Promise<readonly SeriesSamples[]>,
  queryCount: number,
): Promise<Served> {
  let resolveResult!: (v: unknown) => void;
  const result = new Promise<unknown>((r) => (resolveResult = r));
  let falseWrites = 0;
  const logs: string[] = [];
  const logger = createLogger({ write: (line) => logs.push(line) });
  const server = createServer((_req, res) => {
    const write = res.write.bind(res) as (chunk: Buffer) => boolean;
    res.write = ((chunk: Buffer) => {
      const ok = write(chunk);
      if (!ok) falseWrites++;
      return ok;
    }) as typeof res.write;
    streamChunks(res, queryCount, runQuery, { signal: AbortSignal.timeout(20_000), logger }).then(
      () => resolveResult('ok'),
      (err: unknown) => resolveResult(err),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    result,
    falseWrites: () => falseWrites,
    logs,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function noisySeries(name: string, n: number): SeriesSamples {
  const s = bigSeries(n);
  return { series: makeSeriesRef([{ name: '__name__', value: name }]), ...s };
}

test('writer: waits for drain when the client reads slowly, and delivers every frame intact', async () => {
  const series = Array.from({ length: 20 }, (_v, i) => noisySeries(`s${String(i).padStart(2, '0')}`, 10_000));
  const srv = await serve(async () => series, 1);
  try {
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = httpRequest(srv.url, (res) => {
        assert.equal(res.headers['content-type'], STREAMED_CONTENT_TYPE);
        const parts: Buffer[] = [];
        res.pause();
        setTimeout(() => res.resume(), 300);
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve(Buffer.concat(parts)));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(await srv.result, 'ok');
    assert.ok(srv.falseWrites() > 0, 'the socket buffer filled up at least once');
    const decoded = decodeStreamedSeries(body);
    assert.equal(decoded.length, 20);
    assert.ok(decoded.every((s) => s.samples.length === 10_000));
  } finally {
    await srv.close();
  }
});

test('writer: a failure after the first byte cuts the connection (no clean end) and is logged', async () => {
  const srv = await serve(async (q) => {
    if (q === 0) return [noisySeries('first', 2000)];
    throw new Error('backend failed mid-stream');
  }, 2);
  try {
    const res = await fetch(srv.url);
    assert.equal(res.status, 200);
    await assert.rejects(res.arrayBuffer());
    const err = await srv.result;
    assert.ok(err instanceof Error && err.message === 'backend failed mid-stream');
    assert.ok(
      srv.logs.some((l) => l.includes('remote read stream cut') && l.includes('backend failed mid-stream')),
    );
  } finally {
    await srv.close();
  }
});

test('writer: a client that goes away ends the wait for drain instead of hanging', async () => {
  // 2000 series sharing one 1000-sample body: ~17 MB if it were all sent, more than loopback buffers.
  const body = noisySeries('g', 1000);
  const series = Array.from({ length: 2000 }, (_v, i) => ({
    ...body,
    series: makeSeriesRef([{ name: '__name__', value: `g${String(i).padStart(4, '0')}` }]),
  }));
  const srv = await serve(async () => series, 1);
  try {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(srv.url, (res) => {
        res.pause();
        // Once the writer is waiting for 'drain', go away.
        const poll = setInterval(() => {
          if (srv.falseWrites() === 0) return;
          clearInterval(poll);
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 200);
        }, 20);
      });
      req.on('error', () => {});
      setTimeout(() => reject(new Error('the writer never waited for drain')), 10_000).unref();
      req.end();
    });
    const err = await srv.result;
    assert.ok(err instanceof Error, `writer ended with ${String(err)}`);
  } finally {
    await srv.close();
  }
});
