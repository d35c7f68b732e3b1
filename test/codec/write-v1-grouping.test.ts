// The write v1 decoder's grouping of entries into series and its series cache: one SeriesRef
// per label set, successor prediction, generation rotation and eviction, the cache bound.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecodedWrite } from '../../src/codec/write-v1.js';
import { valueBits } from '../../src/model.js';
import { encodeWriteRequest, writeLabel, writeSample } from '../support/encode-write.js';
import {
  assertAgrees,
  entry,
  GO_NAN,
  newDecoder,
  oracle,
  plainLabels,
  rawRequest,
  rejects,
  STALE,
} from './oracle.js';

describe('write v1 decoder: grouping', () => {
  it('groups entries by label set in order of first appearance, samples in arrival order', () => {
    const a = { __name__: 'a' };
    const b = { __name__: 'b' };
    const body = encodeWriteRequest([
      entry(a, [{ timestampMs: 3, value: 1 }]),
      entry(b, [{ timestampMs: 1, bits: STALE }]),
      entry(a, [
        { timestampMs: 1, value: 2 },
        { timestampMs: 2, bits: GO_NAN },
      ]),
      entry(b, [{ timestampMs: 2, value: 4 }]),
    ]);
    const batch = newDecoder().decode(body);
    assert.deepEqual(
      batch.series.map((s) => [s.series.metricName, Array.from(s.timestamps)]),
      [
        ['a', [3, 1, 2]],
        ['b', [1, 2]],
      ],
    );
    assert.equal(valueBits(batch.series[0]!.values, 2), GO_NAN);
    assert.equal(valueBits(batch.series[1]!.values, 0), STALE);
    assertAgrees(batch, oracle(body));
  });

  it('gives one SeriesRef to every encoding of one label set, also across requests', () => {
    const d = newDecoder();
    const withEmpty = rawRequest((ts) => {
      writeLabel(ts, 1, { name: 'a', value: '1' });
      ts.message(1, (l) => l.string(1, 'b').bytes(2, Buffer.alloc(0))); // explicit empty value
      writeSample(ts, 2, { timestampMs: 1, value: 1 });
    });
    const plain = encodeWriteRequest([entry({ a: '1' }, [{ timestampMs: 2, value: 2 }])]);
    const first = d.decode(Buffer.concat([withEmpty, plain]));
    assert.equal(first.series.length, 1);
    assert.deepEqual(Array.from(first.series[0]!.timestamps), [1, 2]);
    assert.equal(d.decode(plain).series[0]!.series, first.series[0]!.series);
    assert.equal(d.decode(withEmpty).series[0]!.series, first.series[0]!.series);
    assert.equal(d.cachedSeries(), 1);
  });

  it('does not take a series for its predicted successor when more label fields follow', () => {
    const d = newDecoder();
    const x = entry({ __name__: 'x' }, [{ timestampMs: 1, value: 1 }]);
    d.decode(encodeWriteRequest([x, entry({ a: '1' }, [{ timestampMs: 1, value: 1 }])]));
    // Same order next time, but the successor now starts with the old successor's label bytes.
    const body = encodeWriteRequest([x, entry({ a: '1', b: '2' }, [{ timestampMs: 2, value: 2 }])]);
    const batch = d.decode(body);
    assert.deepEqual(plainLabels(batch.series[1]!.series.labels), [
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
    assertAgrees(batch, oracle(body));
  });

  it('keeps one owner per label set across generation rotations', () => {
    // Generation size 1: every request rotates, promotions move entries between maps.
    const d = newDecoder(2);
    const plain = encodeWriteRequest([entry({ a: '1' }, [{ timestampMs: 1, value: 1 }])]);
    const alias = rawRequest((ts) => {
      ts.message(1, (l) => l.string(2, '1').string(1, 'a')); // same label, fields swapped
      writeSample(ts, 2, { timestampMs: 2, value: 2 });
    });
    d.decode(plain);
    d.decode(plain);
    for (let i = 0; i < 4; i++) {
      const body = Buffer.concat([alias, plain]);
      const batch = d.decode(body);
      assertAgrees(batch, oracle(body));
      assert.ok(d.cachedSeries() >= 1);
    }
  });

  it('keeps the SeriesRef of series in use across rotations and evicts series no longer sent', () => {
    const d = newDecoder(4); // two entries per generation
    const a = entry({ __name__: 'a' }, [{ timestampMs: 1, value: 1 }]);
    const b = entry({ __name__: 'b' }, [{ timestampMs: 1, value: 1 }]);
    const fresh = (i: number) => entry({ __name__: 'new', i: String(i) }, [{ timestampMs: 1, value: 1 }]);
    const refOf = (batch: DecodedWrite, name: string) =>
      batch.series.find((s) => s.series.metricName === name)!.series;
    const first = d.decode(encodeWriteRequest([a, b, fresh(0)]));
    for (let i = 1; i < 10; i++) {
      const batch = d.decode(encodeWriteRequest([a, b, fresh(i)]));
      assert.equal(refOf(batch, 'a'), refOf(first, 'a'), `request ${i}`);
      assert.equal(refOf(batch, 'b'), refOf(first, 'b'), `request ${i}`);
    }
    // b stops being sent: after a few rotations it is gone, and comes back as a new series.
    for (let i = 10; i < 16; i++) d.decode(encodeWriteRequest([a, fresh(i)]));
    assert.ok(d.cachedSeries() <= 4 + 2 * 2);
    const back = d.decode(encodeWriteRequest([a, b]));
    assert.equal(refOf(back, 'a'), refOf(first, 'a'));
    assert.notEqual(refOf(back, 'b'), refOf(first, 'b'));
  });

  it('stays bounded and correct with a tiny cache', () => {
    const d = newDecoder(10);
    const previous = new Map<string, object>();
    for (let r = 0; r < 40; r++) {
      const entries = [];
      for (let i = 0; i < 8; i++) {
        const id = (r * 3 + i) % 25; // overlapping sets from request to request
        entries.push(entry({ __name__: 'm', id: String(id) }, [{ timestampMs: r, value: i }]));
        if (i % 3 === 0)
          entries.push(entry({ __name__: 'm', id: String(id) }, [{ timestampMs: r + 1, value: i }]));
      }
      const body = encodeWriteRequest(entries);
      const batch = d.decode(body);
      assertAgrees(batch, oracle(body));
      assert.ok(d.cachedSeries() <= 10 + 2 * 8, `cache holds ${d.cachedSeries()}`);
      for (const s of batch.series) previous.set(s.series.key, s.series);
    }
    // Series used in the last request are still cached: decoding it again reuses their refs.
    const last = encodeWriteRequest([
      entry({ __name__: 'm', id: String((39 * 3) % 25) }, [{ timestampMs: 1 }]),
    ]);
    const again = d.decode(last).series[0]!;
    assert.equal(again.series, previous.get(again.series.key));
  });

  it('rejects an entry whose label set is empty', () => {
    rejects(
      () => newDecoder().decode(encodeWriteRequest([entry({}, [{ timestampMs: 1 }])])),
      'empty_label_set',
    );
    const onlyEmpty = rawRequest((ts) => {
      ts.message(1, (l) => l.string(1, 'a').bytes(2, Buffer.alloc(0)));
      writeSample(ts, 2, { timestampMs: 1, value: 1 });
    });
    rejects(() => newDecoder().decode(onlyEmpty), 'empty_label_set');
    // Without data it is ignored.
    assert.equal(newDecoder().decode(encodeWriteRequest([entry({}, [])])).series.length, 0);
  });

  it('keeps one cache per decoder: two decoders side by side share no series', () => {
    const d1 = newDecoder();
    const d2 = newDecoder();
    const ab = encodeWriteRequest([
      entry({ __name__: 'a' }, [{ timestampMs: 1, value: 1 }]),
      entry({ __name__: 'b' }, [{ timestampMs: 1, value: 2 }]),
    ]);
    const first1 = d1.decode(ab);
    assert.equal(d1.cachedSeries(), 2);
    assert.equal(d2.cachedSeries(), 0, 'the second decoder has not seen anything yet');
    const first2 = d2.decode(ab);
    d1.decode(encodeWriteRequest([entry({ __name__: 'c' }, [{ timestampMs: 2, value: 3 }])]));
    assert.equal(d1.cachedSeries(), 3);
    assert.equal(d2.cachedSeries(), 2);
    assert.equal(d1.seriesBuilt(), 3);
    assert.equal(d2.seriesBuilt(), 2);
    for (let i = 0; i < 2; i++) assert.notEqual(first2.series[i]!.series, first1.series[i]!.series);
    // Interleaved use keeps each decoder's successor prediction and refs to itself.
    const again1 = d1.decode(ab);
    const again2 = d2.decode(ab);
    for (let i = 0; i < 2; i++) {
      assert.equal(again1.series[i]!.series, first1.series[i]!.series);
      assert.equal(again2.series[i]!.series, first2.series[i]!.series);
    }
    assertAgrees(again1, oracle(ab));
    assertAgrees(again2, oracle(ab));
  });
});
