// `type: postgres`: PostgreSQL through node-postgres, or embedded PGlite (README.md).

import { ConfigError, defineAdapterKind } from '../../src/adapter.js';
import { createPostgresAdapter } from './adapter.js';
import { postgresOptions } from './options.js';

export const postgresAdapterKind = defineAdapterKind({
  type: 'postgres',
  options: postgresOptions,
  // Catch a malformed URL at start-up, naming the key, instead of at the first connection.
  validate(options, path) {
    if (options.url.startsWith('pglite://')) return;
    try {
      const url = new URL(options.url);
      if (url.hostname === '' && !url.searchParams.has('host')) throw new Error('no host');
    } catch {
      throw new ConfigError(
        `${path}.url: expected a URL such as postgres://user@host:5432/db, found a malformed URL`,
      );
    }
  },
  create: (options, context) => createPostgresAdapter(options, context),
});
