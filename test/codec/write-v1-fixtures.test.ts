// The write v1 decoder on captured Prometheus and vmagent bodies, against the README counts
// and the protobufjs oracle.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valueBits } from '../../src/model.js';
import { assertAgrees, fixtureBody, GO_NAN, newDecoder, oracle } from './oracle.js';

describe('write v1 decoder: captured fixtures', () => {
  it('decodes the Prometheus 2.42 self-scrape batch to the README counts', () => {
    const body = fixtureBody('prom242-write-selfscrape-500series');
    assert.equal(body.length, 78435);
    const batch = newDecoder().decode(body);
    assert.equal(batch.series.length, 500);
    assert.equal(batch.sampleCount, 500);
    assert.equal(new Set(batch.series.map((s) => s.series.metricName)).size, 236);
    let nan = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const s of batch.series) {
      assert.equal(s.timestamps.length, 1);
      if (Number.isNaN(s.values[0]!)) {
        nan++;
        assert.equal(valueBits(s.values, 0), GO_NAN, 'Prometheus NaN keeps its payload');
      }
      min = Math.min(min, s.timestamps[0]!);
      max = Math.max(max, s.timestamps[0]!);
      assert.ok(s.series.labels.some((l) => l.name === 'lab' && l.value === 'capture'));
    }
    assert.equal(nan, 26);
    assert.equal(min, 1795548633582);
    assert.equal(max, 1795548635650);
    assertAgrees(batch, oracle(body));
  });

  it('decodes the metadata-only batch', () => {
    const body = fixtureBody('prom242-write-metadata-only');
    const batch = newDecoder().decode(body);
    assert.equal(batch.series.length, 0);
    assert.equal(batch.sampleCount, 0);
    assert.equal(batch.metadata.length, 209);
    assert.ok(batch.metadata.every((m) => m.unit === '' && m.metricFamilyName !== ''));
    assert.ok(batch.metadata.some((m) => m.help !== '' && m.type > 0));
    assertAgrees(batch, oracle(body));
  });

  it('decodes the vmagent batch, whose labels put GOARCH before __name__', () => {
    const body = fixtureBody('vmagent-1.79.5-write-526series');
    const batch = newDecoder().decode(body);
    assert.equal(batch.sampleCount, 526);
    assert.ok(batch.series.some((s) => s.series.labels[0]!.name < '__name__'));
    assertAgrees(batch, oracle(body));
  });

  it('returns the same SeriesRef objects when the same body is decoded again', () => {
    const body = fixtureBody('prom242-write-selfscrape-500series');
    const d = newDecoder();
    const first = d.decode(body);
    const second = d.decode(body);
    assert.equal(d.cachedSeries(), 500);
    for (let i = 0; i < first.series.length; i++)
      assert.equal(second.series[i]!.series, first.series[i]!.series);
    assertAgrees(second, oracle(body));
  });
});
