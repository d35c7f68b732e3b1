// `type: graphite`: carbon (plaintext TCP/UDP or pickle) for writes, graphite-web's render API
// for reads; legacy dotted paths or Graphite 1.1 tagged series (README.md).

import { defineAdapterKind } from '../../src/adapter.js';
import { createGraphiteAdapter } from './adapter.js';
import { graphiteOptions } from './options.js';
import { validateGraphiteOptions } from './template-rules.js';

export const graphiteAdapterKind = defineAdapterKind({
  type: 'graphite',
  options: graphiteOptions,
  validate: (options, path) => validateGraphiteOptions(options, path),
  create: (options, context) => createGraphiteAdapter(options, context),
});
