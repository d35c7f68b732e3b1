// The versioned schema. Each migration is applied once, in its own transaction, in order;
// never edit a released migration — add the next number instead.

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements run in order inside one transaction; `s` is the quoted schema name. */
  statements(s: string): readonly string[];
}

/** 0x7ff0000000000002 as a signed bigint: Prometheus' staleness marker in value_bits. */
export const STALE_BITS_SQL = '9218868437227405314';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'series, samples, metric metadata',
    statements: (s) => [
      // One row per label set. hash = sha256 of the canonical series key (computed in JS), so
      // the unique index stays 32 bytes whatever the labels are.
      `CREATE TABLE ${s}.series (
        id bigserial PRIMARY KEY,
        hash bytea NOT NULL,
        metric_name text NOT NULL,
        labels jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT series_hash_key UNIQUE (hash),
        CONSTRAINT series_hash_size CHECK (octet_length(hash) = 32)
      )`,
      // hash, not btree: a btree entry is limited to ~2.7 kB and metric names are not;
      // lookups by name are equality only.
      `CREATE INDEX series_metric_name_idx ON ${s}.series USING hash (metric_name)`,
      // jsonb_path_ops hashes each key/value pair, so long label values never hit an index
      // size limit; it serves the @> containment the reader uses for label="value".
      `CREATE INDEX series_labels_idx ON ${s}.series USING gin (labels jsonb_path_ops)`,
      // Narrow samples keyed by (series, ms); value_bits keeps a NaN's exact payload.
      `CREATE TABLE ${s}.samples (
        series_id bigint NOT NULL,
        ts bigint NOT NULL,
        value float8 NOT NULL,
        value_bits bigint,
        CONSTRAINT samples_pkey PRIMARY KEY (series_id, ts),
        CONSTRAINT samples_nan_bits CHECK (value_bits IS NULL OR value = 'NaN'::float8)
      )`,
      `CREATE TABLE ${s}.metric_metadata (
        metric_family_name text PRIMARY KEY,
        type text NOT NULL,
        help text NOT NULL,
        unit text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    version: 2,
    name: 'sample_values view for SQL users',
    statements: (s) => [
      `CREATE VIEW ${s}.sample_values AS
        SELECT r.id AS series_id, r.metric_name, r.labels, x.ts,
               to_timestamp(x.ts / 1000.0) AS time, x.value, x.value_bits,
               coalesce(x.value_bits = ${STALE_BITS_SQL}, false) AS is_stale
        FROM ${s}.samples x JOIN ${s}.series r ON r.id = x.series_id`,
    ],
  },
  {
    version: 3,
    name: 'native histograms and exemplars',
    statements: (s) => [
      // One row per (series, ms), first write wins like samples. `encoded` is the exact form:
      // the prometheus.Histogram message without its timestamps (ts and start_ts are columns),
      // decoded on read. The other columns are for SQL users only and never read back: count
      // and sum are float8 (an integer count above 2^53 is rounded there), and a stale marker
      // is a NaN sum, hence the is_stale flag.
      `CREATE TABLE ${s}.histograms (
        series_id bigint NOT NULL,
        ts bigint NOT NULL,
        start_ts bigint,
        is_float boolean NOT NULL,
        schema integer NOT NULL,
        reset_hint integer NOT NULL,
        count float8 NOT NULL,
        sum float8 NOT NULL,
        is_stale boolean NOT NULL,
        encoded bytea NOT NULL,
        CONSTRAINT histograms_pkey PRIMARY KEY (series_id, ts)
      )`,
      // Exemplars of a series: several per ms are possible (different labels or values), so the
      // key adds dedup = sha256 of the labels as sent and the value's bits; a resent exemplar
      // is a no-op, as Prometheus drops identical exemplars. labels is a jsonb array of
      // [name, value] pairs, which keeps the order (and any repeated name) as sent.
      `CREATE TABLE ${s}.exemplars (
        series_id bigint NOT NULL,
        ts bigint NOT NULL,
        dedup bytea NOT NULL,
        value float8 NOT NULL,
        value_bits bigint,
        labels jsonb NOT NULL,
        CONSTRAINT exemplars_pkey PRIMARY KEY (series_id, ts, dedup),
        CONSTRAINT exemplars_dedup_size CHECK (octet_length(dedup) = 32),
        CONSTRAINT exemplars_nan_bits CHECK (value_bits IS NULL OR value = 'NaN'::float8)
      )`,
      `CREATE VIEW ${s}.histogram_values AS
        SELECT r.id AS series_id, r.metric_name, r.labels, h.ts,
               to_timestamp(h.ts / 1000.0) AS time, h.start_ts, h.is_float, h.schema,
               h.reset_hint, h.count, h.sum, h.is_stale
        FROM ${s}.histograms h JOIN ${s}.series r ON r.id = h.series_id`,
    ],
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
