// The `type: graphite` options, each declared once (style.md convention 3). `address`,
// `transport`, `mode`, `prefix` and `render_url` are a fixed public contract; the README's
// options table mirrors this file and a test keeps them in step.

import {
  booleanOption,
  durationOption,
  enumOption,
  fail,
  integerOption,
  sizeOption,
  stringOption,
  type Option,
  type ParsedOptions,
} from '../../src/adapter.js';
import { templateVarsOption, templatesOption } from './template-options.js';

/** Like stringOption, but "" is a valid value (no prefix). */
function prefixOption(doc: string): Option<string> {
  return {
    kind: 'string',
    doc,
    defaultText: '""',
    required: false,
    fallback: '',
    parse(raw, path) {
      if (typeof raw !== 'string') fail(path, 'a string (may be empty)', raw);
      if (/[\s;]/.test(raw)) fail(path, 'a prefix without whitespace or ";"', raw);
      return raw;
    },
  };
}

export const graphiteOptions = {
  address: stringOption({
    doc: 'carbon receiver as host:port: the line receiver for tcp and udp, the pickle receiver for pickle',
    required: true,
    pattern: /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):\d{1,5}$/,
    patternText: 'host:port, e.g. 127.0.0.1:2003 or [::1]:2003',
  }),
  transport: enumOption({
    doc: 'tcp: plaintext over pooled persistent connections; udp: plaintext datagrams; pickle: pickle frames over pooled connections',
    default: 'tcp',
    values: ['tcp', 'udp', 'pickle'] as const,
  }),
  mode: enumOption({
    doc: "path: the legacy adapter's dotted paths; tags: Graphite 1.1 tagged series name;tag=value",
    default: 'path',
    values: ['path', 'tags'] as const,
  }),
  prefix: prefixOption('Prepended to every metric name with no separator, as the legacy adapter did'),
  render_url: stringOption({
    doc: 'graphite-web render endpoint (e.g. http://graphite:8080/render); enables remote read and, in tags mode, tag registration',
    pattern: /^https?:\/\/[^\s]+$/,
    patternText: 'an http:// or https:// URL',
  }),
  max_connections: integerOption({
    doc: 'Persistent TCP connections to carbon (one batch uses one connection at a time)',
    default: 2,
    min: 1,
    max: 64,
    unit: 'connections',
  }),
  connect_timeout: durationOption({
    doc: 'How long a TCP connect to carbon may take before the write fails retryably',
    default: 5_000,
    min: 1,
  }),
  write_timeout: durationOption({
    doc: 'How long one socket write may wait to be flushed (carbon not reading) before the connection is dropped',
    default: 10_000,
    min: 1,
  }),
  reconnect_backoff_max: durationOption({
    doc: 'Longest wait between reconnect attempts; the wait starts at 100ms and doubles per failure',
    default: 5_000,
    min: 100,
  }),
  udp_datagram_size: integerOption({
    doc: 'Largest UDP datagram (whole lines only); keep it below the path MTU',
    default: 1_400,
    min: 128,
    max: 65_507,
    unit: 'bytes',
  }),
  pickle_frame_size: sizeOption({
    doc: "Largest pickle frame, length prefix included; must not exceed carbon's PICKLE_RECEIVER_MAX_LENGTH",
    default: 1024 ** 2,
  }),
  register_tags: booleanOption({
    doc: 'tags mode with render_url: POST each new series to graphite-web /tags/tagMultiSeries after writing it',
    default: true,
  }),
  read_timeout: durationOption({
    doc: 'Deadline of one graphite-web request (tag lookup or render)',
    default: 30_000,
    min: 1,
  }),
  read_settle: durationOption({
    doc: 'How long a read waits for series this gateway created moments ago and carbon has not written to disk yet',
    default: 2_000,
  }),
  path_read_max_labels: integerOption({
    doc: 'path mode reads: most labels (besides the name) a stored path may carry to be found',
    default: 16,
    min: 0,
    max: 64,
    unit: 'labels',
  }),
  templates: templatesOption(
    'mode: path rules {match, match_re, template, continue}: series they match are written under the template path instead of (or, with continue, besides) the default path',
  ),
  template_vars: templateVarsOption('Fixed strings for {{var.<name>}} in templates'),
};

export type GraphiteOptions = ParsedOptions<typeof graphiteOptions>;

/** host and port of `address` (validated by its pattern). */
export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '');
  return { host, port: Number(address.slice(at + 1)) };
}
