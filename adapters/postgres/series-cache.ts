// Series ids known to this gateway: a WeakMap on the decoder's SeriesRef objects (no hashing
// at all for series seen before) in front of a bounded LRU map keyed by SeriesRef.key (survives
// the decoder dropping its refs). Per adapter instance; ids never change once assigned.

import { createHash } from 'node:crypto';
import type { SeriesRef } from '../../src/adapter.js';
import { unstorableTextReason } from './sql-text.js';

export interface SeriesIdentity {
  /** Why this label set can never be stored (a Rejection reason), or undefined. */
  readonly reject: string | undefined;
  /** sha256 of the canonical key, hex; "" when rejected. */
  readonly hashHex: string;
  /** The series table id once known. */
  id: string | undefined;
}

export interface SeriesCache {
  identity(ref: SeriesRef): SeriesIdentity;
  remember(ref: SeriesRef, identity: SeriesIdentity, id: string): void;
  /** Number of label sets in the bounded key map. */
  readonly size: number;
}

function identify(ref: SeriesRef): SeriesIdentity {
  for (const l of ref.labels) {
    const reason = unstorableTextReason(l.name) ?? unstorableTextReason(l.value);
    if (reason !== undefined) return { reject: reason, hashHex: '', id: undefined };
  }
  return { reject: undefined, hashHex: createHash('sha256').update(ref.key).digest('hex'), id: undefined };
}

export function createSeriesCache(maxSize: number): SeriesCache {
  const byRef = new WeakMap<SeriesRef, SeriesIdentity>();
  const byKey = new Map<string, string>();

  return {
    identity(ref) {
      let entry = byRef.get(ref);
      if (entry === undefined) {
        entry = identify(ref);
        byRef.set(ref, entry);
      }
      if (entry.id === undefined && entry.reject === undefined) {
        const id = byKey.get(ref.key);
        if (id !== undefined) {
          // Re-insert to mark it recently used (Map keeps insertion order).
          byKey.delete(ref.key);
          byKey.set(ref.key, id);
          entry.id = id;
        }
      }
      return entry;
    },
    remember(ref, identity, id) {
      identity.id = id;
      if (byKey.has(ref.key)) byKey.delete(ref.key);
      else if (byKey.size >= maxSize) byKey.delete(byKey.keys().next().value as string);
      byKey.set(ref.key, id);
    },
    get size() {
      return byKey.size;
    },
  };
}
