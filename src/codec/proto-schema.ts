// Loads promgate's own .proto files (proto/) with protobufjs. Used on cold paths (remote-read
// requests, tooling) and as the oracle the hand-written remote-write decoders (1.0 and 2.0) are
// tested against.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

// Without a Long library protobufjs returns int64 as plain numbers (exact within ±2^53, which
// covers every real timestamp; callers still check Number.isSafeInteger). Long objects cost
// ~46 % of decode time in GC (performance.md). This is a process-wide protobufjs setting: every
// protobufjs user in the process gets numbers once this module is imported.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

export interface PromSchema {
  readonly root: protobuf.Root;
  readonly WriteRequest: protobuf.Type;
  readonly TimeSeries: protobuf.Type;
  readonly MetricMetadata: protobuf.Type;
  readonly ReadRequest: protobuf.Type;
  readonly ReadResponse: protobuf.Type;
  readonly QueryResult: protobuf.Type;
  readonly ChunkedReadResponse: protobuf.Type;
}

/**
 * Where the .proto files are: $PROMGATE_PROTO_DIR, else <repo>/proto. Compiled code runs from
 * dist/src/codec/, so the repo root is three levels up.
 */
export function protoDir(): string {
  const fromEnv = process.env['PROMGATE_PROTO_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return fileURLToPath(new URL('../../../proto/', import.meta.url));
}

let cached: PromSchema | undefined;

/** The schema, loaded on first use (an immutable value once loaded). */
export function promSchema(): PromSchema {
  if (cached !== undefined) return cached;
  const dir = protoDir();
  const file = join(dir, 'remote.proto');
  if (!existsSync(file)) {
    throw new Error(`protobuf schema not found: ${file} (set PROMGATE_PROTO_DIR to the proto/ directory)`);
  }
  // remote.proto imports types.proto; protobufjs resolves it relative to the importing file.
  const root = new protobuf.Root().loadSync(file, { keepCase: false });
  root.resolveAll();
  const type = (name: string): protobuf.Type => root.lookupType(`prometheus.${name}`);
  cached = {
    root,
    WriteRequest: type('WriteRequest'),
    TimeSeries: type('TimeSeries'),
    MetricMetadata: type('MetricMetadata'),
    ReadRequest: type('ReadRequest'),
    ReadResponse: type('ReadResponse'),
    QueryResult: type('QueryResult'),
    ChunkedReadResponse: type('ChunkedReadResponse'),
  };
  return cached;
}

export interface WriteV2Schema {
  readonly root: protobuf.Root;
  readonly Request: protobuf.Type;
  readonly TimeSeries: protobuf.Type;
  readonly Sample: protobuf.Type;
  readonly Histogram: protobuf.Type;
  readonly Exemplar: protobuf.Type;
  readonly Metadata: protobuf.Type;
}

let cachedV2: WriteV2Schema | undefined;

/** The remote write 2.0 schema (io.prometheus.write.v2), loaded on first use; a separate root. */
export function writeV2Schema(): WriteV2Schema {
  if (cachedV2 !== undefined) return cachedV2;
  const file = join(protoDir(), 'io', 'prometheus', 'write', 'v2', 'types.proto');
  if (!existsSync(file)) {
    throw new Error(`protobuf schema not found: ${file} (set PROMGATE_PROTO_DIR to the proto/ directory)`);
  }
  const root = new protobuf.Root().loadSync(file, { keepCase: false });
  root.resolveAll();
  const type = (name: string): protobuf.Type => root.lookupType(`io.prometheus.write.v2.${name}`);
  cachedV2 = {
    root,
    Request: type('Request'),
    TimeSeries: type('TimeSeries'),
    Sample: type('Sample'),
    Histogram: type('Histogram'),
    Exemplar: type('Exemplar'),
    Metadata: type('Metadata'),
  };
  return cachedV2;
}
