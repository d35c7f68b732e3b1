// Building adapters for the tests through the public kind (options parsed as from the config).

import { parseOptions, type Adapter } from '../../src/adapter.js';
import { silentLogger } from '../../src/log.js';
import { opentsdbAdapterKind } from './index.js';

export function createTestAdapter(raw: Record<string, unknown>): Adapter {
  const options = parseOptions(opentsdbAdapterKind.options, raw, 'backends[0]');
  opentsdbAdapterKind.validate?.(options, 'backends[0]');
  return opentsdbAdapterKind.create(options, { name: 'test', logger: silentLogger });
}

/** The same adapter without read(): the contract then checks the write side only. */
export function writeOnly(adapter: Adapter): Adapter {
  return {
    capabilities: { ...adapter.capabilities, read: false },
    start: (signal) => adapter.start(signal),
    write: (batch, signal) => adapter.write(batch, signal),
    health: () => adapter.health(),
    close: () => adapter.close(),
  };
}
