import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSeriesRef, setValueBits, valueBits, type SeriesSamples } from '../../src/model.js';
import { clipAndMerge } from '../../src/read/merge-series.js';

const ref = makeSeriesRef([{ name: '__name__', value: 'm' }]);

function part(samples: Array<[number, bigint]>): SeriesSamples {
  const timestamps = new Float64Array(samples.map(([t]) => t));
  const values = new Float64Array(samples.length);
  samples.forEach(([, bits], i) => setValueBits(values, i, bits));
  return { series: ref, timestamps, values };
}

function bitsOf(s: SeriesSamples): Array<[number, string]> {
  return Array.from(s.timestamps, (t, i) => [t, valueBits(s.values, i).toString(16)]);
}

const STALE = 0x7ff0000000000002n;
const GO_NAN = 0x7ff8000000000001n;

test('merging parts from two backends: time order, first part wins a shared timestamp, NaN bits kept', () => {
  const a = part([
    [10, STALE],
    [30, 3n],
  ]);
  const b = part([
    [20, GO_NAN],
    [30, 99n],
    [40, 4n],
  ]);
  assert.deepEqual(bitsOf(clipAndMerge(ref, [a, b], 0, 100)), [
    [10, '7ff0000000000002'],
    [20, '7ff8000000000001'],
    [30, '3'],
    [40, '4'],
  ]);
});

test('clipping keeps [start, end] inclusive; a sorted in-range part is returned as is', () => {
  const a = part([
    [10, 1n],
    [20, 2n],
    [30, 3n],
  ]);
  assert.deepEqual(bitsOf(clipAndMerge(ref, [a], 20, 30)), [
    [20, '2'],
    [30, '3'],
  ]);
  assert.equal(clipAndMerge(ref, [a], 0, 100).values, a.values, 'no copy when nothing changes');
  assert.equal(clipAndMerge(ref, [a], 31, 40).timestamps.length, 0);
});
