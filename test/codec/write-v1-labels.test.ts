// The write v1 decoder's label rules: order, duplicates, empty names and values, UTF-8, limits.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWriteV1Decoder } from '../../src/codec/write-v1.js';
import { ProtoWriter, writeLabel, writeSample } from '../support/encode-write.js';
import { assertAgrees, newDecoder, oracle, plainLabels, rawRequest, rejects } from './oracle.js';

describe('write v1 decoder: label validation', () => {
  const one = (labels: (w: ProtoWriter) => void) =>
    rawRequest((ts) => {
      labels(ts);
      writeSample(ts, 2, { timestampMs: 1, value: 1 });
    });
  const named = (...pairs: [string, string][]) =>
    one((ts) => pairs.forEach(([name, value]) => writeLabel(ts, 1, { name, value })));
  const rawLabel = (name: Uint8Array, value: Uint8Array) => (ts: ProtoWriter) =>
    ts.message(1, (l) => l.bytes(1, name).bytes(2, value));

  const table: [string, Buffer, string, RegExp][] = [
    ['unsorted', named(['job', 'x'], ['__name__', 'up']), 'unsorted_labels', /job="x".*not sorted/],
    [
      'unsorted by UTF-8 bytes',
      named(['a\u{1F600}', '1'], ['a\uE000', '2']),
      'unsorted_labels',
      /not sorted/,
    ],
    ['duplicate', named(['a', '1'], ['a', '2']), 'duplicate_label', /duplicate label name a/],
    ['duplicate where one value is empty', named(['a', ''], ['a', '2']), 'duplicate_label', /duplicate/],
    ['unsorted where one value is empty', named(['b', ''], ['a', '2']), 'unsorted_labels', /not sorted/],
    ['empty name', named(['', 'v']), 'empty_label_name', /empty label name/],
    [
      'invalid UTF-8 name',
      one(rawLabel(Buffer.from([0x61, 0xff]), Buffer.from('v'))),
      'invalid_utf8',
      /UTF-8/,
    ],
    [
      'invalid UTF-8 value',
      one(rawLabel(Buffer.from('a'), Buffer.from([0xc3, 0x28]))),
      'invalid_utf8',
      /UTF-8/,
    ],
    [
      'lone surrogate (CESU)',
      one(rawLabel(Buffer.from('a'), Buffer.from([0xed, 0xa0, 0x80]))),
      'invalid_utf8',
      /a=/,
    ],
  ];
  for (const [what, body, reason, message] of table) {
    it(`rejects: ${what}`, () => rejects(() => newDecoder().decode(body), reason, message));
  }

  it('accepts labels sorted by UTF-8 bytes where UTF-16 order disagrees', () => {
    const body = named(['a\uE000', '1'], ['a\u{1F600}', '2'], ['é', '😀']);
    const batch = newDecoder().decode(body);
    assert.deepEqual(
      batch.series[0]!.series.labels.map((l) => l.name),
      ['a\uE000', 'a\u{1F600}', 'é'],
    );
    assertAgrees(batch, oracle(body));
  });

  it('removes labels with an empty value', () => {
    const batch = newDecoder().decode(named(['__name__', 'up'], ['env', ''], ['job', 'x']));
    assert.deepEqual(plainLabels(batch.series[0]!.series.labels), [
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'x' },
    ]);
    assert.equal(batch.series[0]!.series.metricName, 'up');
  });

  it('enforces the label count and length limits', () => {
    const d = createWriteV1Decoder({
      maxCachedSeries: 10,
      maxLabelsPerSeries: 2,
      maxLabelNameBytes: 4,
      maxLabelValueBytes: 5,
    });
    assert.equal(d.decode(named(['a', '12345'], ['bbbb', 'x'])).series.length, 1);
    rejects(
      () => d.decode(named(['a', '1'], ['b', '2'], ['c', '3'])),
      'too_many_labels',
      /more than 2 labels/,
    );
    rejects(() => d.decode(named(['abcde', '1'])), 'label_too_long', /name longer than 4 bytes/);
    rejects(() => d.decode(named(['a', '123456'])), 'label_too_long', /value of a longer than 5 bytes/);
    assert.throws(() => createWriteV1Decoder({ maxCachedSeries: 0 }), /maxCachedSeries/);
  });
});
