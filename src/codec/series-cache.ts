// The decoder's series cache: raw label bytes → cache entry holding the series' SeriesRef
// (performance.md, "Label strings, not bytes"). A series is identified by the raw bytes of its
// label fields, found by a seeded hash confirmed by a byte compare, and its labels are built
// only on a miss. Successive scrapes send a target's series in the same order, so each entry
// also remembers which entry followed it last time: most lookups are one byte compare, no hashing.
//
// Entries live in one map keyed by the hash of the raw label bytes (collisions chained) and
// belong to a generation. Using an entry from the previous generation moves it to the current
// one (an array push, no map work); when the current generation holds maxCachedSeries/2
// entries, the previous generation's unused entries are evicted. Rotation only happens between
// requests, so that every entry a request has used stays valid until it is decoded: the cache
// can exceed its cap by at most twice the distinct series of one request (itself bounded by
// the decoded-size limit).
//
// Sizing: a series sent once per scrape survives only if at most one rotation happens between
// two uses, so maxCachedSeries must be at least twice the series active per scrape interval;
// below that the cache thrashes (measured ~50× slower). Memory follows the live series, not
// the cap: about 1.9 KB of heap per cached series on the bench workload.
//
// Two different byte encodings of one label set (field order inside Label, an empty-valued
// label present or not, non-minimal varints) are two entries sharing one owner entry, found
// through byKey, so each label set keeps exactly one SeriesRef and one group per request.
// Owner and entry are one object in the normal case: a hit touches a single object.

import { randomInt } from 'node:crypto';
import type { SeriesRef } from '../model.js';
import type { BuildLabels } from './label-set.js';

export interface CacheEntry {
  /** A copy of the raw label fields. */
  readonly key: Buffer;
  readonly hash: number;
  readonly ref: SeriesRef;
  /** True when every label was empty-valued (an entry with data then has no identity). */
  readonly empty: boolean;
  /** The entry holding this label set's per-request state: itself, or the first one built. */
  owner: CacheEntry;
  /** On owners: live entries sharing this owner; the label set leaves byKey at 0. */
  entries: number;
  /** On owners: the request that last used this series, and its group index there. */
  epoch: number;
  group: number;
  gen: number;
  dead: boolean;
  /** Next entry with the same hash in the map. */
  chain: CacheEntry | null;
  /** The entry that followed this one last time (successor prediction). */
  next: CacheEntry | null;
}

/** One decoder's cache; its state lives in the closure, so decoders never share entries. */
export interface SeriesCache {
  /** Call before each request: rotates the generations when the current one is full. */
  beginRequest(): void;
  /** The predicted successor of the last entry used, if the label fields at start are its key. */
  predict(src: Buffer, start: number, end: number): CacheEntry | null;
  /** Marks an entry (from predict) as used now. */
  use(entry: CacheEntry): CacheEntry;
  /** The entry for the label fields src[s, e); a miss builds, validates and caches the series. */
  lookup(src: Buffer, s: number, e: number): CacheEntry;
  /** Distinct label sets cached. */
  size(): number;
  /** Label sets built from scratch so far (misses). */
  built(): number;
}

// Equality of key and src[start, start + key.length). Buffer#compare is a memcmp behind some
// argument checks; a JS byte loop measured 3-5× slower, latin1 strings + === about the same
// speed but with a string of garbage per entry.
function keyMatches(key: Buffer, src: Buffer, start: number): boolean {
  return src.compare(key, 0, key.length, start, start + key.length) === 0;
}

// A 32-bit multiply-xorshift hash over 4-byte words; only needs to spread well, the byte
// compare decides equality. Seeded per decoder so that a sender cannot precompute label sets
// that pile up in one collision chain.
function hashBytes(seed: number, src: Uint8Array, start: number, end: number): number {
  let h = (end - start) ^ seed;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const w = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
    h = Math.imul(h ^ w, 0x9e3779b1);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ src[i]!, 0x85ebca77);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae3d);
  return (h ^ (h >>> 16)) | 0;
}

export function createSeriesCache(maxCached: number, buildLabels: BuildLabels): SeriesCache {
  const generationSize = Math.max(1, Math.ceil(maxCached / 2));
  const hashSeed = randomInt(2 ** 31);

  const map = new Map<number, CacheEntry>();
  // Entries that joined (or were moved to) the current and the previous generation. The two
  // arrays are swapped, not reallocated, on rotation: growing a fresh one every generation
  // measured ~7 % of steady-state decode time.
  let curList: (CacheEntry | undefined)[] = [];
  let oldList: (CacheEntry | undefined)[] = [];
  let curCount = 0;
  let oldCount = 0;
  let curGen = 1;
  const byKey = new Map<string, CacheEntry>();
  let last: CacheEntry | null = null;
  let built = 0;

  function kill(e: CacheEntry): void {
    e.dead = true;
    e.next = null;
    e.chain = null;
    if (--e.owner.entries === 0) byKey.delete(e.ref.key);
  }

  function evict(e: CacheEntry): void {
    let head = map.get(e.hash) ?? null;
    if (head === e) {
      if (e.chain === null) map.delete(e.hash);
      else map.set(e.hash, e.chain);
    } else {
      while (head !== null && head.chain !== e) head = head.chain;
      if (head !== null) head.chain = e.chain;
    }
    kill(e);
  }

  function rotate(): void {
    const oldGen = curGen - 1;
    for (let i = 0; i < oldCount; i++) {
      const e = oldList[i]!;
      oldList[i] = undefined;
      if (e.gen === oldGen) evict(e);
    }
    const emptied = oldList;
    oldList = curList;
    oldCount = curCount;
    curList = emptied;
    curCount = 0;
    curGen++;
    if (last !== null && last.dead) last = null;
  }

  function insert(e: CacheEntry): void {
    e.chain = map.get(e.hash) ?? null;
    map.set(e.hash, e);
    e.gen = curGen;
    curList[curCount++] = e;
  }

  function find(hash: number, src: Buffer, s: number, e: number): CacheEntry | null {
    for (let x = map.get(hash) ?? null; x !== null; x = x.chain) {
      if (x.key.length === e - s && keyMatches(x.key, src, s)) return x;
    }
    return null;
  }

  /**
   * The entry that followed the previous one last time, if the label fields at `start` are
   * exactly its key. The caller still checks that no further label field follows.
   */
  function predict(src: Buffer, start: number, end: number): CacheEntry | null {
    const predicted = last === null ? null : last.next;
    if (predicted === null || predicted.dead) return null;
    if (predicted.key.length > end - start || !keyMatches(predicted.key, src, start)) return null;
    return predicted;
  }

  /** Marks entry as used now: moves it to the current generation, records it as the successor. */
  function use(entry: CacheEntry): CacheEntry {
    if (entry.gen !== curGen) {
      entry.gen = curGen;
      curList[curCount++] = entry;
    }
    if (last !== null && last.next !== entry) last.next = entry;
    last = entry;
    return entry;
  }

  /** The entry for these label fields by hash; a miss builds, validates and caches the series. */
  function lookup(src: Buffer, s: number, e: number): CacheEntry {
    const hash = hashBytes(hashSeed, src, s, e);
    const found = find(hash, src, s, e);
    if (found !== null) return use(found);
    built++;
    const ref = buildLabels(src, s, e);
    const owner = byKey.get(ref.key);
    const entry: CacheEntry = {
      key: Buffer.from(src.subarray(s, e)),
      hash,
      ref: owner === undefined ? ref : owner.ref,
      empty: ref.labels.length === 0,
      owner: undefined as unknown as CacheEntry,
      entries: 0,
      epoch: 0,
      group: 0,
      gen: 0,
      dead: false,
      chain: null,
      next: null,
    };
    entry.owner = owner ?? entry;
    if (owner === undefined) byKey.set(ref.key, entry);
    entry.owner.entries++;
    insert(entry);
    return use(entry);
  }

  return {
    beginRequest: () => {
      if (curCount >= generationSize) rotate();
    },
    predict,
    use,
    lookup,
    size: () => byKey.size,
    built: () => built,
  };
}
