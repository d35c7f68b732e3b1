// `type: opentsdb`: OpenTSDB 2.x over its HTTP API (/api/put, /api/query); README.md.

import { ConfigError, defineAdapterKind } from '../../src/adapter.js';
import { createOpenTsdbAdapter } from './adapter.js';
import { opentsdbOptions } from './options.js';

export const opentsdbAdapterKind = defineAdapterKind({
  type: 'opentsdb',
  options: opentsdbOptions,
  // A malformed URL stops start-up naming the key (without echoing it: it may hold a password).
  validate(options, path) {
    try {
      new URL(options.url);
    } catch {
      throw new ConfigError(
        `${path}.url: expected a URL such as http://opentsdb:4242, found a malformed URL`,
      );
    }
  },
  create: (options, context) => createOpenTsdbAdapter(options, context),
});
