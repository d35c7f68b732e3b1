// The `type: postgres` options, each declared once (style.md convention 3); the README's
// options table mirrors this file and a test checks that it does.

import { durationOption, integerOption, stringOption, type ParsedOptions } from '../../src/adapter.js';

export const postgresOptions = {
  url: stringOption({
    doc: 'postgres://user@host:5432/db (or postgresql://) for a server; pglite://PATH for the embedded PGlite in a directory, pglite://memory for a throwaway in-memory one',
    required: true,
    pattern: /^(postgres|postgresql|pglite):\/\/./,
    patternText: 'a postgres://, postgresql:// or pglite:// URL',
  }),
  schema: stringOption({
    doc: 'PostgreSQL schema that holds the tables (created if missing)',
    default: 'promgate',
    // Spliced into DDL as a quoted identifier, so keep it to plain lower-case names.
    pattern: /^[a-z_][a-z0-9_]{0,62}$/,
    patternText: 'a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters)',
  }),
  max_connections: integerOption({
    doc: 'Size of the connection pool (postgres:// only; PGlite has one session)',
    default: 4,
    min: 1,
    max: 1000,
    unit: 'connections',
  }),
  connect_timeout: durationOption({
    doc: 'How long to wait for a connection (new or from the pool) before failing retryably',
    default: 10_000,
    min: 1,
  }),
  statement_timeout: durationOption({
    doc: 'Server-side statement_timeout for every statement; a timeout is retryable',
    default: 60_000,
    min: 1,
  }),
  series_cache_size: integerOption({
    doc: 'Series ids kept in memory (by label set), so known series cost no lookup',
    default: 200_000,
    min: 1,
    unit: 'series',
  }),
  write_chunk_samples: integerOption({
    doc: 'Samples per INSERT statement; larger batches are split',
    default: 20_000,
    min: 1,
    max: 1_000_000,
    unit: 'samples',
  }),
  read_chunk_samples: integerOption({
    doc: 'Samples fetched per round trip while streaming a read',
    default: 50_000,
    min: 1,
    max: 1_000_000,
    unit: 'samples',
  }),
  max_samples_per_query: integerOption({
    doc: "Samples one read may return before it fails with READ_LIMIT (Prometheus' own default read sample limit)",
    default: 50_000_000,
    min: 1,
    unit: 'samples',
  }),
  max_series_per_query: integerOption({
    doc: 'Series one read may select before it fails with READ_LIMIT',
    default: 500_000,
    min: 1,
    unit: 'series',
  }),
};

export type PostgresOptions = ParsedOptions<typeof postgresOptions>;
