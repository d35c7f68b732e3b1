import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  makeSeriesRef,
  setValueBits,
  valueBits,
  type NativeHistogram,
  type SeriesSamples,
} from '../../src/model.js';
import { clipAndMerge } from '../../src/read/merge-series.js';
import { floatHistogram, intHistogram } from './mock-read-backend.js';

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

// ---- native histograms --------------------------------------------------------------------

function withHistograms(hs: NativeHistogram[], samples: Array<[number, bigint]> = []): SeriesSamples {
  return { ...part(samples), histograms: hs };
}

/** Timestamp and the tag intHistogram put in the count (10 × tag), to tell copies apart. */
function histOf(s: SeriesSamples): Array<[number, string]> {
  return (s.histograms ?? []).map((h) => [
    h.timestampMs,
    h.kind === 'int' ? `int:${h.count / 10n}` : `float:${h.sumBits.toString(16)}`,
  ]);
}

test('histograms from two backends: time order, first part wins a shared timestamp, clipped', () => {
  const a = withHistograms([intHistogram(10, 1n), intHistogram(30, 1n), intHistogram(50, 1n)]);
  const b = withHistograms([floatHistogram(20), intHistogram(30, 2n), floatHistogram(40, GO_NAN)]);
  const merged = clipAndMerge(ref, [a, b], 20, 40);
  assert.deepEqual(histOf(merged), [
    [20, 'float:7ff0000000000002'],
    [30, 'int:1'],
    [40, 'float:7ff8000000000001'],
  ]);
  // The objects are shared, not copied: every bit stays as the backend gave it.
  assert.equal(merged.histograms![1], a.histograms![1]);
  assert.deepEqual(histOf(clipAndMerge(ref, [b, a], 0, 100)), [
    [10, 'int:1'],
    [20, 'float:7ff0000000000002'],
    [30, 'int:2'],
    [40, 'float:7ff8000000000001'],
    [50, 'int:1'],
  ]);
});

test('histograms and float samples of one series are merged side by side', () => {
  const a = withHistograms([intHistogram(20, 1n)], [[10, 1n]]);
  const b = part([
    [10, 99n],
    [30, 3n],
  ]);
  const merged = clipAndMerge(ref, [a, b], 0, 100);
  assert.deepEqual(bitsOf(merged), [
    [10, '1'],
    [30, '3'],
  ]);
  assert.deepEqual(histOf(merged), [[20, 'int:1']]);
});

test('histograms: a sorted in-range list is kept as is; unsorted or repeated ones are sorted, first wins', () => {
  const list = [intHistogram(10, 1n), intHistogram(20, 1n)];
  assert.equal(clipAndMerge(ref, [withHistograms(list)], 0, 100).histograms, list);
  const messy = withHistograms([intHistogram(30, 1n), intHistogram(10, 1n), intHistogram(30, 2n)]);
  assert.deepEqual(histOf(clipAndMerge(ref, [messy], 0, 100)), [
    [10, 'int:1'],
    [30, 'int:1'],
  ]);
});

test('histograms: none in range (or none at all) leaves no histograms field', () => {
  const merged = clipAndMerge(ref, [withHistograms([intHistogram(10)], [[50, 1n]])], 40, 60);
  assert.equal(merged.histograms, undefined);
  assert.equal(merged.timestamps.length, 1);
  assert.equal('histograms' in clipAndMerge(ref, [part([[1, 1n]])], 0, 10), false);
});
