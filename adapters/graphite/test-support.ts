// Shared by this folder's integration tests: build an adapter the way the gateway does (options
// parsed from a config mapping).

import { parseOptions, type Adapter } from '../../src/adapter.js';
import { silentLogger } from '../../src/log.js';
import { graphiteAdapterKind } from './index.js';

export function createTestAdapter(raw: Record<string, unknown>): Adapter {
  const options = parseOptions(graphiteAdapterKind.options, raw, 'backends[0]');
  graphiteAdapterKind.validate?.(options, 'backends[0]');
  return graphiteAdapterKind.create(options, { name: 'test', logger: silentLogger });
}

export async function startTestAdapter(raw: Record<string, unknown>): Promise<Adapter> {
  const adapter = createTestAdapter(raw);
  await adapter.start(new AbortController().signal);
  return adapter;
}

export const signal = (): AbortSignal => new AbortController().signal;
