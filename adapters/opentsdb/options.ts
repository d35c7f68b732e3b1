// The `type: opentsdb` options, each declared once (style.md convention 3); the README's
// options table mirrors this file and a test checks that it does.

import {
  durationOption,
  integerOption,
  sizeOption,
  stringOption,
  type ParsedOptions,
} from '../../src/adapter.js';

export const opentsdbOptions = {
  url: stringOption({
    doc: 'Base URL of the OpenTSDB HTTP API, e.g. http://tsdb:4242 (its path is replaced by /api/put and /api/query, as the legacy adapter did)',
    required: true,
    pattern: /^https?:\/\/./,
    patternText: 'an http:// or https:// URL',
  }),
  timeout: durationOption({
    doc: 'Time limit of one HTTP request (put chunk or query); a timeout is retryable',
    default: 30_000,
    min: 1,
  }),
  max_points_per_request: integerOption({
    doc: 'Data points per /api/put request; larger writes are split',
    default: 1_000,
    min: 1,
    max: 1_000_000,
    unit: 'points',
  }),
  max_request_size: sizeOption({
    doc: 'Body size per /api/put request; larger writes are split (keep below tsd.http.request.max_chunk when chunked requests are enabled)',
    default: 512 * 1024,
  }),
  max_tags: integerOption({
    doc: 'Tags per data point (tsd.storage.max_tags); a series with more labels besides __name__ is rejected with reason too_many_tags',
    default: 8,
    min: 1,
    max: 255,
    unit: 'tags',
  }),
  placeholder_tag_key: stringOption({
    doc: 'Tag key given to a series that has no label besides __name__ (OpenTSDB needs one tag); removed again on read',
    default: 'promgate_placeholder',
    pattern: /^[A-Za-z0-9_]+$/,
    patternText: 'a tag key of [A-Za-z0-9_]+',
  }),
  placeholder_tag_value: stringOption({
    doc: 'Tag value of the placeholder tag',
    default: 'none',
    pattern: /^[A-Za-z0-9_./-]+$/,
    patternText: 'a tag value of [A-Za-z0-9_./-]+',
  }),
  max_connections: integerOption({
    doc: 'Kept-alive HTTP connections to the OpenTSDB server',
    default: 8,
    min: 1,
    max: 1000,
    unit: 'connections',
  }),
  max_samples_per_query: integerOption({
    doc: 'Samples one read may return before it fails with READ_LIMIT',
    default: 50_000_000,
    min: 1,
    unit: 'samples',
  }),
};

export type OpenTsdbOptions = ParsedOptions<typeof opentsdbOptions>;
