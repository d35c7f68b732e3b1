// The write path on a real PostgreSQL 15: what PostgreSQL cannot hold is rejected and counted
// while the rest is written, what SQL users see (NaN, stale, -0), metadata, a 50k-sample batch,
// duplicates inside one batch, and two gateways creating the same new series at once.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { makeWriteBatch, type Adapter, type WriteBatch } from '../../src/adapter.js';
import { bitsOf, makeBatch, readAll, seriesSamples } from '../../test/contract/adapter-contract.js';
import { startPostgres, type PostgresServer } from '../../test/harness/postgres.js';
import { connectSql, signal, startTestAdapter } from './test-support.js';

const T0 = 1_700_000_000_000;
const name = (m: string) => ({ type: 'EQ' as const, name: '__name__', value: m });

describe('postgres write path (PostgreSQL 15)', () => {
  let server: PostgresServer;
  let adapter: Adapter;
  let sql: pg.Client;
  before(async () => {
    server = await startPostgres();
    adapter = await startTestAdapter({ url: server.url, write_chunk_samples: 7_000 });
    sql = await connectSql(server.url);
  });
  after(async () => {
    await sql?.end();
    await adapter?.close();
    await server?.destroy();
  });

  it('rejects series with NUL or lone surrogates (counted, with an example) and writes the rest', async () => {
    const batch = makeBatch([
      {
        labels: { __name__: 'nul_test', v: 'ok' },
        samples: [
          [T0, bitsOf(1)],
          [T0 + 1, bitsOf(2)],
        ],
      },
      {
        labels: { __name__: 'nul_test', v: 'bad\u0000value' },
        samples: [
          [T0, bitsOf(3)],
          [T0 + 1, bitsOf(4)],
        ],
      },
      { labels: { __name__: 'nul_test', 'bad\u0000name': 'x' }, samples: [[T0, bitsOf(5)]] },
      { labels: { __name__: 'nul_test', v: 'half \ud800 surrogate' }, samples: [[T0, bitsOf(6)]] },
    ]);
    const outcome = await adapter.write(batch, signal());
    assert.equal(outcome.written, 2);
    const byReason = Object.fromEntries(outcome.rejected.map((r) => [r.reason, r]));
    assert.equal(byReason.nul_in_label?.count, 3);
    assert.match(byReason.nul_in_label!.example, /bad\\u0000value/);
    assert.equal(byReason.invalid_unicode?.count, 1);
    const got = await readAll(adapter, [name('nul_test')]);
    assert.deepEqual(
      [...got.values()].map((e) => e.labels.find((l) => l.name === 'v')?.value),
      ['ok'],
    );
  });

  it('rejects non-integer timestamps per sample instead of failing the batch', async () => {
    const s = seriesSamples({
      labels: { __name__: 'bad_ts' },
      samples: [
        [T0, bitsOf(1)],
        [T0, bitsOf(2)],
      ],
    });
    s.timestamps[1] = T0 + 0.5;
    const outcome = await adapter.write(makeWriteBatch({ series: [s] }), signal());
    assert.equal(outcome.written, 1);
    assert.deepEqual(
      outcome.rejected.map((r) => [r.reason, r.count]),
      [['invalid_timestamp', 1]],
    );
  });

  it('shows SQL users NaN, Infinity, -0 and the stale flag in plain columns', async () => {
    const batch = makeBatch([
      {
        labels: { __name__: 'sql_view', job: 'x' },
        samples: [
          [T0, 0x7ff0000000000002n],
          [T0 + 1, 0x7ff8000000000001n],
          [T0 + 2, 0x7ff0000000000000n],
          [T0 + 3, 0x8000000000000000n],
          [T0 + 4, bitsOf(42.5)],
        ],
      },
    ]);
    await adapter.write(batch, signal());
    const { rows } = await sql.query(
      `SELECT ts::text, value::text, value_bits::text, is_stale, time = to_timestamp(ts / 1000.0) AS t_ok
       FROM promgate.sample_values WHERE metric_name = 'sql_view' AND labels->>'job' = 'x' ORDER BY ts`,
    );
    assert.deepEqual(
      rows.map((r) => [r.value, r.value_bits, r.is_stale, r.t_ok]),
      [
        ['NaN', '9218868437227405314', true, true],
        ['NaN', '9221120237041090561', false, true],
        ['Infinity', null, false, true],
        ['-0', null, false, true],
        ['42.5', null, false, true],
      ],
    );
  });

  it('keeps the first value when one batch repeats a timestamp', async () => {
    const batch = makeBatch([
      {
        labels: { __name__: 'dup_ts' },
        samples: [
          [T0, bitsOf(1)],
          [T0, bitsOf(2)],
          [T0 + 1, bitsOf(3)],
        ],
      },
    ]);
    assert.equal((await adapter.write(batch, signal())).written, 3);
    const got = [...(await readAll(adapter, [name('dup_ts')])).values()][0]!;
    assert.equal(got.samples.length, 2);
    assert.equal(got.samples[1]![1], bitsOf(3));
  });

  it('round-trips UTF-8 label names with quotes, and stores the whole label set as jsonb', async () => {
    const labels = { __name__: 'utf8_names', 'näme "quoted"': "it's", '😀': 'smile', 'a\\b': 'c' };
    await adapter.write(makeBatch([{ labels, samples: [[T0, bitsOf(1)]] }]), signal());
    const got = [
      ...(
        await readAll(adapter, [name('utf8_names'), { type: 'EQ', name: 'näme "quoted"', value: "it's" }])
      ).values(),
    ];
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]!.labels, makeBatch([{ labels, samples: [] }]).series[0]!.series.labels);
    const { rows } = await sql.query(`SELECT labels FROM promgate.series WHERE metric_name = 'utf8_names'`);
    assert.deepEqual(rows[0].labels, labels);
  });

  it('stores metric names and label values far over the 2.7 kB btree entry limit', async () => {
    const long = 'n'.repeat(10_000);
    const labels = { __name__: long, big: 'v'.repeat(100_000) };
    assert.equal(
      (await adapter.write(makeBatch([{ labels, samples: [[T0, bitsOf(1)]] }]), signal())).written,
      1,
    );
    const got = await readAll(adapter, [name(long), { type: 'EQ', name: 'big', value: labels.big }]);
    assert.equal(got.size, 1);
    assert.deepEqual(
      [...got.values()][0]!.labels,
      makeBatch([{ labels, samples: [] }]).series[0]!.series.labels,
    );
  });

  it('upserts metric metadata, last write wins, resend changes nothing', async () => {
    const batch: WriteBatch = makeWriteBatch({
      metadata: [
        { type: 1, metricFamilyName: 'meta_total', help: 'old', unit: '' },
        { type: 1, metricFamilyName: 'meta_total', help: 'Requests "served".', unit: 'requests' },
        { type: 99, metricFamilyName: 'meta_odd', help: '', unit: '' },
        { type: 2, metricFamilyName: 'meta_bad', help: 'nul\u0000', unit: '' },
      ],
    });
    assert.deepEqual(await adapter.write(batch, signal()), { written: 0, rejected: [] });
    const read = async () =>
      (
        await sql.query(
          `SELECT metric_family_name, type, help, unit, updated_at FROM promgate.metric_metadata WHERE metric_family_name LIKE 'meta\\_%' ORDER BY 1`,
        )
      ).rows;
    const first = await read();
    assert.deepEqual(
      first.map((r) => [r.metric_family_name, r.type, r.help, r.unit]),
      [
        ['meta_odd', '99', '', ''],
        ['meta_total', 'counter', 'Requests "served".', 'requests'],
      ],
    );
    await adapter.write(batch, signal());
    assert.deepEqual(await read(), first, 'a resend must not touch the rows (updated_at unchanged)');
  });

  it('writes 50k samples in one batch', async () => {
    const specs = Array.from({ length: 500 }, (_, k) => ({
      labels: { __name__: 'bulk_50k', instance: `host-${k}` },
      samples: Array.from({ length: 100 }, (_, i) => [T0 + i * 15_000, bitsOf(k * 100 + i)] as const),
    }));
    const batch = makeBatch(specs);
    const t = performance.now();
    assert.deepEqual(await adapter.write(batch, signal()), { written: 50_000, rejected: [] });
    const ms = performance.now() - t;
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n, sum(value)::float8 AS s FROM promgate.sample_values WHERE metric_name = 'bulk_50k'`,
    );
    assert.equal(rows[0].n, 50_000);
    assert.equal(rows[0].s, (49_999 * 50_000) / 2);
    console.log(`# 50k-sample batch (500 new series x 100) written in ${ms.toFixed(0)} ms`);
  });

  it('lets two gateways create the same new series at once without duplicates', async () => {
    const other = await startTestAdapter({ url: server.url });
    try {
      const specs = Array.from({ length: 300 }, (_, k) => ({
        labels: { __name__: 'race', k: String(k) },
        samples: [[T0, bitsOf(k)]] as const,
      }));
      const reversed = [...specs].reverse();
      await Promise.all([
        adapter.write(makeBatch(specs), signal()),
        other.write(makeBatch(reversed), signal()),
      ]);
      const { rows } = await sql.query(
        `SELECT count(*)::int AS n FROM promgate.series WHERE metric_name = 'race'`,
      );
      assert.equal(rows[0].n, 300);
      const got = await readAll(adapter, [name('race')]);
      assert.equal(got.size, 300);
      for (const e of got.values()) assert.equal(e.samples.length, 1);
    } finally {
      await other.close();
    }
  });
});
