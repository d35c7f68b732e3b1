// The `type: influxdb` options, each declared once (style.md convention 3); the README's
// options table mirrors this file and a test checks that it does. The keys url, api, database,
// retention_policy, username, password(_file), org, bucket, token(_file) are a fixed public
// contract (issue 3 item 7).

import {
  booleanOption,
  durationOption,
  enumOption,
  integerOption,
  secretOption,
  sizeOption,
  stringOption,
  type ParsedOptions,
} from '../../src/adapter.js';

export const influxOptions = {
  url: stringOption({
    doc: 'Base URL of the InfluxDB HTTP API, e.g. http://influxdb:8086 (a path prefix is kept)',
    required: true,
    pattern: /^https?:\/\/[^/\s]/,
    patternText: 'an http:// or https:// URL',
  }),
  api: enumOption({
    doc: 'v1: POST /write with line protocol (InfluxDB 1.x, and the v1-compatibility API of 2.x/3.x); v2: the @influxdata/influxdb-client write API (org, bucket, token)',
    values: ['v1', 'v2'] as const,
    default: 'v1',
  }),
  database: stringOption({
    doc: 'Database written to (v1) and read through /query; unset means "prometheus" with api v1 (the legacy default) and the bucket with api v2',
  }),
  retention_policy: stringOption({
    doc: "Retention policy (v1 `rp`); unset means the database's default policy",
  }),
  username: stringOption({ doc: 'v1 user (basic auth); also used for /query' }),
  password: secretOption({ doc: 'v1 password for `username`' }),
  password_file: stringOption({
    doc: 'File holding the v1 password (read at start-up, trailing newline trimmed)',
  }),
  org: stringOption({ doc: 'v2 organization name (required with api v2)' }),
  bucket: stringOption({ doc: 'v2 bucket name (required with api v2)' }),
  token: secretOption({ doc: 'v2 API token (Authorization: Token …); also used for /query with api v2' }),
  token_file: stringOption({
    doc: 'File holding the v2 token (read at start-up, trailing newline trimmed)',
  }),
  create_database: booleanOption({
    doc: 'v1: run CREATE DATABASE at start-up (needs admin rights); otherwise a missing database is a retryable setup error',
    default: false,
  }),
  special_values: enumOption({
    doc: 'store: NaN, ±Inf and the stale marker go to the string field value_special and read back bit for bit; drop: they are not written and are counted as rejected',
    values: ['store', 'drop'] as const,
    default: 'store',
  }),
  timeout: durationOption({
    doc: 'Per HTTP request to InfluxDB (write, query page); a timeout is retryable (legacy --send-timeout)',
    default: 30_000,
    min: 1,
  }),
  batch_max_points: integerOption({
    doc: 'Points per write request; larger batches are split',
    default: 10_000,
    min: 1,
    max: 1_000_000,
    unit: 'points',
  }),
  batch_max_bytes: sizeOption({
    doc: 'Line-protocol bytes per write request (before gzip); keep below the server max-body-size',
    default: 4 * 1024 * 1024,
  }),
  write_concurrency: integerOption({
    doc: 'Write requests one write() call sends in parallel',
    default: 2,
    min: 1,
    max: 64,
    unit: 'requests',
  }),
  max_connections: integerOption({
    doc: 'Kept-alive HTTP connections to InfluxDB',
    default: 16,
    min: 1,
    max: 1024,
    unit: 'connections',
  }),
  gzip: booleanOption({ doc: 'Send write bodies with Content-Encoding: gzip', default: false }),
  read_chunk_size: integerOption({
    doc: 'Points per chunk of a chunked /query answer',
    default: 10_000,
    min: 1,
    max: 1_000_000,
    unit: 'points',
  }),
  max_samples_per_query: integerOption({
    doc: 'Samples one read may return before it fails with READ_LIMIT',
    default: 50_000_000,
    min: 1,
    unit: 'samples',
  }),
};

export type InfluxOptions = ParsedOptions<typeof influxOptions>;
