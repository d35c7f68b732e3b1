// Every adapter kind, keyed by its `type`. Adding a backend is one folder and one line here.

import type { AdapterKind } from './adapter.js';
import { postgresAdapterKind } from '../adapters/postgres/index.js';
import { graphiteAdapterKind } from '../adapters/graphite/index.js';
import { opentsdbAdapterKind } from '../adapters/opentsdb/index.js';
import { influxAdapterKind } from '../adapters/influxdb/index.js';

const kinds: readonly AdapterKind[] = [
  postgresAdapterKind as unknown as AdapterKind,
  graphiteAdapterKind as unknown as AdapterKind,
  opentsdbAdapterKind as unknown as AdapterKind,
  influxAdapterKind as unknown as AdapterKind,
];

export function findAdapterKind(type: string): AdapterKind | undefined {
  return kinds.find((k) => k.type === type);
}

export function adapterTypes(): string[] {
  return kinds.map((k) => k.type);
}
