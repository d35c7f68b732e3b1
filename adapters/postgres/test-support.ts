// Shared by this folder's integration tests: build an adapter the way the gateway does
// (options parsed from a config mapping), and small helpers around it.

import pg from 'pg';
import { parseOptions, type Adapter } from '../../src/adapter.js';
import { silentLogger } from '../../src/log.js';
import { postgresAdapterKind } from './index.js';

export function createTestAdapter(raw: Record<string, unknown>): Adapter {
  const options = parseOptions(postgresAdapterKind.options, raw, 'backends[0]');
  return postgresAdapterKind.create(options, { name: 'test', logger: silentLogger });
}

export async function startTestAdapter(raw: Record<string, unknown>): Promise<Adapter> {
  const adapter = createTestAdapter(raw);
  await adapter.start(new AbortController().signal);
  return adapter;
}

export const signal = (): AbortSignal => new AbortController().signal;

/** A plain client for looking at the tables; ignores the socket error of a server restart. */
export async function connectSql(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}
