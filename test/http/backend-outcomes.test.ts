// How backend outcomes reach the sender, through the real HTTP surface. The backend here is the
// MOCK adapter (test/mocks): it stands for what no real server can show on demand — a backend
// that hangs, one that is overloaded, one that rejects part of a batch.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { snappyCompress } from '../../src/codec/snappy.js';
import type { RunningGateway } from '../../src/gateway.js';
import { mockAdapterKind, mockBehaviour } from '../mocks/mock-adapter.js';
import { encodeWriteRequest } from '../support/encode-write.js';
import { metricValue, post, startTestGateway } from '../support/gateway.js';

const behaviour = mockBehaviour();
let gw: RunningGateway;

function body(samples: number, name = 'm'): Buffer {
  const series = [];
  for (let i = 0; i < samples; i++) {
    series.push({
      labels: [
        { name: '__name__', value: name },
        { name: 'i', value: String(i) },
      ],
      samples: [{ timestampMs: 1_700_000_000_000, value: i }],
    });
  }
  return snappyCompress(encodeWriteRequest(series));
}

before(async () => {
  gw = await startTestGateway({
    web: { write_timeout: '600ms' },
    backends: [
      {
        name: 'mock',
        type: 'postgres',
        url: 'pglite://unused',
        max_inflight_samples: 100,
        max_concurrency: 2,
      },
    ],
    kind: mockAdapterKind(behaviour),
  });
});
after(async () => {
  await gw.close();
});

test('a backend that hangs gets 503 + Retry-After within the write deadline', async () => {
  behaviour.mode = 'hang';
  const started = Date.now();
  const res = await post(`${gw.url}/api/v1/write`, body(3));
  assert.equal(res.status, 503, res.text);
  assert.ok(res.headers.get('retry-after'), 'Retry-After is set');
  assert.ok(Date.now() - started < 2_000, 'answered near the 600ms deadline');
  assert.equal(
    await metricValue(gw, 'promgate_samples_dropped_total', {
      backend: 'mock',
      reason: 'backend_unavailable',
    }),
    3,
  );
  behaviour.mode = 'ok';
});

test('a retryable failure is retried inside the deadline, then 503 carrying the backend hint', async () => {
  behaviour.mode = 'retryable';
  behaviour.calls = 0;
  const res = await post(`${gw.url}/api/v1/write`, body(2));
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '3', 'the backend suggested 3 s');
  assert.match(res.text, /mock backend is down \(MOCK_DOWN\)/);
  assert.ok(behaviour.calls >= 1);
  behaviour.mode = 'ok';
});

test('part of a batch rejected for good: the rest is stored, 400 names the reason, both are counted', async () => {
  behaviour.mode = 'reject-half';
  const writtenBefore = await metricValue(gw, 'promgate_samples_written_total', { backend: 'mock' });
  const res = await post(`${gw.url}/api/v1/write`, body(10));
  assert.equal(res.status, 400);
  assert.match(res.text, /5 sample\(s\) rejected \(mock_reason\)/);
  assert.equal(
    (await metricValue(gw, 'promgate_samples_written_total', { backend: 'mock' })) - writtenBefore,
    5,
  );
  assert.equal(
    await metricValue(gw, 'promgate_samples_dropped_total', { backend: 'mock', reason: 'mock_reason' }),
    5,
  );
  behaviour.mode = 'ok';
});

test('overload: writes beyond the in-flight budget are shed with 503 and accepted again once it drains', async () => {
  behaviour.mode = 'ok';
  behaviour.delayMs = 300;
  // 90 samples in flight = score 0.9 > 0.8: the next request is shed.
  const slow = post(`${gw.url}/api/v1/write`, body(90, 'slow'));
  await new Promise((r) => setTimeout(r, 100));
  const shed = await post(`${gw.url}/api/v1/write`, body(1, 'shed'));
  assert.equal(shed.status, 503, shed.text);
  assert.match(shed.text, /overloaded/);
  assert.equal(shed.headers.get('retry-after'), '1');
  assert.equal(await metricValue(gw, 'promgate_backend_shedding', { backend: 'mock' }), 1);
  assert.equal((await slow).status, 204);
  behaviour.delayMs = 0;
  const again = await post(`${gw.url}/api/v1/write`, body(1, 'again'));
  assert.equal(again.status, 204, again.text);
  assert.equal(await metricValue(gw, 'promgate_backend_shedding', { backend: 'mock' }), 0);
  assert.ok(
    (await metricValue(gw, 'promgate_samples_dropped_total', { backend: 'mock', reason: 'overload' })) >= 1,
  );
});
