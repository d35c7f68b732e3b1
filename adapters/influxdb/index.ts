// `type: influxdb`: InfluxDB 1.x line protocol over /write (api v1) or the v2 write API through
// @influxdata/influxdb-client (api v2); remote read over InfluxQL /query (README.md).

import { ConfigError, defineAdapterKind } from '../../src/adapter.js';
import { createInfluxAdapter } from './adapter.js';
import { influxOptions } from './options.js';

export const influxAdapterKind = defineAdapterKind({
  type: 'influxdb',
  options: influxOptions,
  // Cross-option rules, without I/O: files named by *_file are read in start().
  validate(options, path) {
    const set = (k: keyof typeof options) => options[k] !== undefined;
    const pair = (a: keyof typeof options, b: keyof typeof options) => {
      if (set(a) && set(b))
        throw new ConfigError(`${path}.${b}: expected only one of ${a} and ${b}, found both`);
    };
    pair('password', 'password_file');
    pair('token', 'token_file');
    if (options.api === 'v2') {
      for (const k of ['org', 'bucket'] as const) {
        if (!set(k)) throw new ConfigError(`${path}.${k}: required with api v2 (found nothing)`);
      }
    }
  },
  create: (options, context) => createInfluxAdapter(options, context),
});
