// Values, seconds and rejections on the wire, and the pickle frame layout.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeBatch, bitsOf } from '../../test/contract/adapter-contract.js';
import { encodeBatch } from './encode-batch.js';
import { createSeriesNamer } from './series-naming.js';

const namer = (mode: 'path' | 'tags', maxPathBytes = 16_000) =>
  createSeriesNamer({ mode, prefix: '', maxPathBytes });

function lines(bits: bigint[], ms = 1_700_000_000_123): string[] {
  const batch = makeBatch([{ labels: { __name__: 'm' }, samples: bits.map((b, i) => [ms + i, b] as const) }]);
  const out = encodeBatch(batch, { format: 'plaintext', maxChunkBytes: 65_536, name: namer('path') });
  return Buffer.concat(out.chunks).toString().split('\n').filter(Boolean);
}

describe('graphite wire format', () => {
  const values: ReadonlyArray<[string, bigint, string]> = [
    ['0.1 shortest, not %f', bitsOf(0.1), '0.1'],
    ['1e-7 keeps its digits', bitsOf(1e-7), '1e-7'],
    ['large', bitsOf(1.7976931348623157e308), '1.7976931348623157e+308'],
    ['-0 keeps its sign', 0x8000000000000000n, '-0'],
    ['+Inf', 0x7ff0000000000000n, 'inf'],
    ['-Inf', 0xfff0000000000000n, '-inf'],
    ['integer', bitsOf(42), '42'],
  ];
  for (const [what, bits, text] of values) {
    it(what, () => assert.deepEqual(lines([bits]), [`m ${text} 1700000000`]));
  }

  it('floors milliseconds to seconds and rejects NaN, stale markers, negative times with reasons', () => {
    const batch = makeBatch([
      {
        labels: { __name__: 'm' },
        samples: [
          [1_700_000_000_999, bitsOf(1)],
          [1_700_000_001_000, 0x7ff0000000000002n],
          [1_700_000_002_000, 0x7ff8000000000001n],
          [-1, bitsOf(2)],
        ],
      },
    ]);
    const out = encodeBatch(batch, { format: 'plaintext', maxChunkBytes: 65_536, name: namer('path') });
    assert.equal(Buffer.concat(out.chunks).toString(), 'm 1 1700000000\n');
    assert.equal(out.written, 1);
    assert.deepEqual(
      out.rejected.map((r) => [r.reason, r.count]),
      [
        ['unsupported_stale', 1],
        ['unsupported_nan', 1],
        ['negative_timestamp', 1],
      ],
    );
  });

  it('rejects names carbon cannot store, and splits chunks on whole lines', () => {
    const batch = makeBatch([
      { labels: { __name__: 'm', v: 'x'.repeat(300) }, samples: [[1000, bitsOf(1)]] },
      { labels: { __name__: 'n', v: 'y'.repeat(20_000) }, samples: [[1000, bitsOf(1)]] },
      {
        labels: { __name__: 'ok' },
        samples: Array.from({ length: 100 }, (_, i) => [i * 1000, bitsOf(i)] as const),
      },
    ]);
    const out = encodeBatch(batch, { format: 'plaintext', maxChunkBytes: 200, name: namer('path', 16_000) });
    assert.deepEqual(
      out.rejected.map((r) => r.reason),
      ['path_node_too_long', 'path_too_long'],
    );
    assert.equal(out.written, 100);
    for (const c of out.chunks) {
      assert.ok(c.length <= 200);
      assert.ok(c.toString().endsWith('\n'));
    }
  });

  it('writes pickle frames: length prefix, protocol 2, BINUNICODE path, big-endian doubles', () => {
    const batch = makeBatch([{ labels: { __name__: 'é' }, samples: [[2000, 0x8000000000000000n]] }]);
    const out = encodeBatch(batch, { format: 'pickle', maxChunkBytes: 1024, name: namer('tags') });
    const f = out.chunks[0]!;
    assert.equal(f.readUInt32BE(0), f.length - 4);
    assert.deepEqual([...f.subarray(4, 8)], [0x80, 0x02, 0x5d, 0x28]);
    assert.equal(f[8], 0x58);
    assert.equal(f.readUInt32LE(9), 2);
    assert.equal(f.subarray(13, 15).toString(), 'é');
    assert.equal(f[15], 0x47);
    assert.equal(f.readDoubleBE(16), 2);
    assert.equal(f[24], 0x47);
    assert.equal(f.subarray(25, 33).toString('hex'), '8000000000000000');
    assert.deepEqual([...f.subarray(33)], [0x86, 0x86, 0x65, 0x2e]);
  });
});
