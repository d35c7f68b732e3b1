// Hand-written decoder of prometheus.WriteRequest (remote write 1.0, protocols.md §2) into the
// model's WriteBatch. This is the ingest hot path; protobufjs is several times slower here and
// serves as the test oracle (test/codec/).
//
// Where the time goes (performance.md): building ~10 label strings per entry costs more than
// everything else together, and Prometheus repeats the full label set for every sample. So a
// series is identified by the raw bytes of its label fields and its SeriesRef is built once and
// cached. Successive scrapes send a target's series in the same order, so each cache entry also
// remembers which entry followed it last time: most lookups are one byte compare, no hashing.
//
// Strictness follows Prometheus' Go decoder rather than protobufjs: a known field with the wrong
// wire type, a nested message running past its parent, or field number 0 is corrupt input.

import { isUtf8 } from 'node:buffer';
import { randomInt } from 'node:crypto';
import { ConfigError, RequestError } from '../errors.js';
import {
  makeSeriesRef,
  MAX_SAFE_TIMESTAMP_MS,
  MIN_SAFE_TIMESTAMP_MS,
  type Label,
  type MetricMetadata,
  type SeriesRef,
  type SeriesSamples,
  type WriteBatch,
} from '../model.js';

export interface WriteV1DecoderOptions {
  /** Cap on cached series; see the cache notes below for how far one request can exceed it. */
  readonly maxCachedSeries: number;
  readonly maxLabelsPerSeries?: number;
  readonly maxLabelNameBytes?: number;
  readonly maxLabelValueBytes?: number;
}

/** A decoded request. Histograms and exemplars are not in the model yet: only counted. */
export type DecodedWrite = WriteBatch & { readonly histogramCount: number; readonly exemplarCount: number };

export interface WriteV1Decoder {
  /** Decodes an uncompressed WriteRequest. Throws RequestError(400) on bad input. */
  decode(body: Buffer): DecodedWrite;
  /** Distinct series currently cached. */
  cachedSeries(): number;
  /** Label sets decoded from scratch so far (cache misses); a steady rise means the cache is too small. */
  seriesBuilt(): number;
}

// ---- wire reading ------------------------------------------------------------------------

const WT_VARINT = 0;
const WT_FIXED64 = 1;
const WT_LEN = 2;
const WT_START_GROUP = 3;
const WT_END_GROUP = 4;
const WT_FIXED32 = 5;
const MAX_GROUP_DEPTH = 64;

function corrupt(what: string, at: number): RequestError {
  return new RequestError(400, 'corrupt_protobuf', `corrupt protobuf: ${what} at byte ${at}`);
}

/** A read position over one buffer; every read is bounded by an explicit limit (the parent's end). */
class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  /** Unsigned varint of up to 10 bytes; exact up to 2^53, approximate (but huge) above. */
  varint(limit: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= limit) throw corrupt('truncated varint', pos);
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    let scale = 128;
    for (let i = 1; i < 10; i++) {
      if (pos >= limit) throw corrupt('truncated varint', pos);
      b = buf[pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        return value;
      }
      scale *= 128;
    }
    throw corrupt('varint longer than 10 bytes', this.pos);
  }

  /** A field key; field number 0 and keys beyond 32 bits are invalid. */
  key(limit: number): number {
    const at = this.pos;
    const key = this.varint(limit);
    if (key < 8 || key > 0xffffffff) throw corrupt(`invalid field key ${key}`, at);
    return key;
  }

  /** A length prefix whose payload must fit before limit. */
  length(limit: number): number {
    const at = this.pos;
    const len = this.varint(limit);
    if (len > limit - this.pos) throw corrupt(`length ${len} runs past the end of its message`, at);
    return len;
  }

  /** int64 as a number: exact within ±2^53, the caller rejects anything outside. */
  int64(limit: number): number {
    const start = this.pos;
    const v = this.varint(limit);
    if (v <= MAX_SAFE_TIMESTAMP_MS) return v;
    // Above 2^53 the float sum lost the low bits; redo it in two's-complement words.
    return this.hiSigned(start) * 4294967296 + this.lo;
  }

  /** int32/enum: the low 32 bits of the varint, signed (a negative int32 takes 10 bytes). */
  int32(limit: number): number {
    const start = this.pos;
    this.varint(limit);
    this.hiSigned(start);
    return this.lo | 0;
  }

  private lo = 0;

  // Re-reads an already validated varint at start; sets this.lo, returns the signed high word.
  private hiSigned(start: number): number {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    for (let i = 0, pos = start; i < 10; i++, pos++) {
      const bits = buf[pos]! & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (buf[pos]! < 0x80) break;
    }
    this.lo = lo >>> 0;
    return hi | 0;
  }

  /** Skips one field's payload by wire type; keyAt is for the error message. */
  skip(wireType: number, limit: number, keyAt: number, depth = 0): void {
    switch (wireType) {
      case WT_VARINT:
        this.varint(limit);
        return;
      case WT_FIXED64:
        if (limit - this.pos < 8) throw corrupt('truncated fixed64', this.pos);
        this.pos += 8;
        return;
      case WT_LEN: {
        const len = this.length(limit);
        this.pos += len;
        return;
      }
      case WT_FIXED32:
        if (limit - this.pos < 4) throw corrupt('truncated fixed32', this.pos);
        this.pos += 4;
        return;
      case WT_START_GROUP:
        // Deprecated proto2 groups: skip nested fields up to the matching end-group key.
        if (depth >= MAX_GROUP_DEPTH) throw corrupt('groups nested too deeply', keyAt);
        for (;;) {
          const at = this.pos;
          const key = this.key(limit);
          if ((key & 7) === WT_END_GROUP) return;
          this.skip(key & 7, limit, at, depth + 1);
        }
      default:
        throw corrupt(`invalid wire type ${wireType}`, keyAt);
    }
  }

  /** Walks a message's fields without interpreting them (structure check of skipped data). */
  skipMessage(limit: number): void {
    while (this.pos < limit) {
      const at = this.pos;
      const key = this.key(limit);
      this.skip(key & 7, limit, at);
    }
  }

  utf8(start: number, end: number): string {
    return this.buf.toString('utf8', start, end);
  }
}

function wrongWireType(field: number, wireType: number, at: number): RequestError {
  return corrupt(`field ${field} has wire type ${wireType}`, at);
}

// ---- raw label bytes -----------------------------------------------------------------------

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

function compareRanges(src: Buffer, a: number, aEnd: number, b: number, bEnd: number): number {
  const n = Math.min(aEnd - a, bEnd - b);
  for (let i = 0; i < n; i++) {
    const d = src[a + i]! - src[b + i]!;
    if (d !== 0) return d;
  }
  return aEnd - a - (bEnd - b);
}

/** `{name="value", …}` for error messages, read leniently from raw label fields. */
function describeLabels(src: Buffer, start: number, end: number): string {
  const c = new Cursor(src);
  c.pos = start;
  const parts: string[] = [];
  try {
    while (c.pos < end && parts.length < 20) {
      const key = c.key(end);
      if (key !== 0x0a) {
        c.skip(key & 7, end, c.pos);
        continue;
      }
      const len = c.length(end);
      const msgEnd = c.pos + len;
      let name = '';
      let value = '';
      while (c.pos < msgEnd) {
        const k = c.key(msgEnd);
        if (k === 0x0a || k === 0x12) {
          const n = c.length(msgEnd);
          const s = c.utf8(c.pos, c.pos + n);
          if (k === 0x0a) name = s;
          else value = s;
          c.pos += n;
        } else c.skip(k & 7, msgEnd, c.pos);
      }
      parts.push(`${name}=${JSON.stringify(value)}`);
    }
  } catch {
    parts.push('…');
  }
  const text = `{${parts.join(', ')}}`;
  return text.length > 400 ? `${text.slice(0, 400)}…}` : text;
}

// ---- the series cache ----------------------------------------------------------------------
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

interface CacheEntry {
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

// ---- the decoder ---------------------------------------------------------------------------

const INITIAL_SAMPLES = 4096;
const MAX_INTERNED_NAMES = 10_000;

export function createWriteV1Decoder(options: WriteV1DecoderOptions): WriteV1Decoder {
  const maxCached = options.maxCachedSeries;
  if (!Number.isInteger(maxCached) || maxCached < 1) {
    throw new ConfigError(`write decoder: maxCachedSeries must be a positive integer, got ${maxCached}`);
  }
  const maxLabels = options.maxLabelsPerSeries ?? Infinity;
  const maxNameBytes = options.maxLabelNameBytes ?? Infinity;
  const maxValueBytes = options.maxLabelValueBytes ?? Infinity;
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
  // Label names repeat across nearly every series; keep one string each (memory, not speed).
  const names = new Map<string, string>();

  let epoch = 0;
  // Per-request scratch, reused across requests (decode is synchronous, hence never re-entered).
  let capacity = 0;
  let tsScratch = new Float64Array(0);
  let valScratch = new Float64Array(0);
  let valWords = new Uint32Array(0);
  let groupOf = new Int32Array(0);
  let groupCap = 0;
  let groupStart = new Int32Array(0);
  let groupCount = new Int32Array(0);
  let groupEnd = new Int32Array(0);

  function reserveSamples(n: number): void {
    if (n <= capacity) return;
    const next = Math.max(INITIAL_SAMPLES, capacity * 2, n);
    const ts = new Float64Array(next);
    ts.set(tsScratch);
    const vals = new Float64Array(next);
    vals.set(valScratch);
    const groups = new Int32Array(next);
    groups.set(groupOf);
    tsScratch = ts;
    valScratch = vals;
    valWords = new Uint32Array(vals.buffer);
    groupOf = groups;
    capacity = next;
  }

  function reserveGroups(n: number): void {
    if (n <= groupCap) return;
    const next = Math.max(1024, groupCap * 2, n);
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(next);
      b.set(a);
      return b;
    };
    groupStart = grow(groupStart);
    groupCount = grow(groupCount);
    groupEnd = grow(groupEnd);
    groupCap = next;
  }

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
    const labels = buildLabels(src, s, e);
    const ref = makeSeriesRef(labels);
    const owner = byKey.get(ref.key);
    const entry: CacheEntry = {
      key: Buffer.from(src.subarray(s, e)),
      hash,
      ref: owner === undefined ? ref : owner.ref,
      empty: labels.length === 0,
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

  function labelError(reason: string, problem: string, src: Buffer, s: number, e: number): RequestError {
    return new RequestError(400, reason, `invalid series ${describeLabels(src, s, e)}: ${problem}`);
  }

  // Builds and validates a label set from raw label fields (a cache miss). In Prometheus an
  // empty label value is the same as an absent label, so empty-valued labels are dropped here
  // (after the order/duplicate checks, which apply to the labels as sent).
  function buildLabels(src: Buffer, s: number, e: number): Label[] {
    const c = new Cursor(src);
    c.pos = s;
    // One pass over the raw bytes: when all are ASCII, every name and value is valid UTF-8 and
    // latin1Slice builds the same strings faster. Per-label isUtf8 calls measured ~1.7 µs/series.
    let ascii = true;
    for (let i = s; i < e; i++) {
      if (src[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    const text = (from: number, to: number): string =>
      ascii ? src.toString('latin1', from, to) : c.utf8(from, to);
    const labels: Label[] = [];
    let count = 0;
    let prevName = -1;
    let prevNameEnd = -1;
    while (c.pos < e) {
      c.key(e); // label fields only, by construction of the key range
      const msgLen = c.length(e);
      const msgEnd = c.pos + msgLen;
      let ns = 0;
      let ne = 0;
      let vs = 0;
      let ve = 0;
      while (c.pos < msgEnd) {
        const at = c.pos;
        const key = c.key(msgEnd);
        const field = key >>> 3;
        if (field === 1 || field === 2) {
          if ((key & 7) !== WT_LEN) throw wrongWireType(field, key & 7, at);
          const len = c.length(msgEnd);
          if (field === 1) ns = c.pos;
          else vs = c.pos;
          c.pos += len;
          if (field === 1) ne = c.pos;
          else ve = c.pos;
        } else c.skip(key & 7, msgEnd, at);
      }
      if (++count > maxLabels) {
        throw labelError('too_many_labels', `more than ${maxLabels} labels`, src, s, e);
      }
      if (ne === ns) throw labelError('empty_label_name', 'empty label name', src, s, e);
      if (ne - ns > maxNameBytes) {
        throw labelError('label_too_long', `label name longer than ${maxNameBytes} bytes`, src, s, e);
      }
      if (ve - vs > maxValueBytes) {
        const name = c.utf8(ns, ne);
        throw labelError('label_too_long', `value of ${name} longer than ${maxValueBytes} bytes`, src, s, e);
      }
      if (!ascii && (!isUtf8(src.subarray(ns, ne)) || !isUtf8(src.subarray(vs, ve)))) {
        throw labelError('invalid_utf8', 'label name or value is not valid UTF-8', src, s, e);
      }
      if (prevName >= 0) {
        const order = compareRanges(src, prevName, prevNameEnd, ns, ne);
        if (order === 0) {
          throw labelError('duplicate_label', `duplicate label name ${c.utf8(ns, ne)}`, src, s, e);
        }
        if (order > 0) {
          const problem = `labels not sorted: ${c.utf8(prevName, prevNameEnd)} before ${c.utf8(ns, ne)}`;
          throw labelError('unsorted_labels', problem, src, s, e);
        }
      }
      prevName = ns;
      prevNameEnd = ne;
      if (ve > vs) labels.push({ name: intern(text(ns, ne)), value: text(vs, ve) });
    }
    return labels;
  }

  function intern(name: string): string {
    const known = names.get(name);
    if (known !== undefined) return known;
    if (names.size >= MAX_INTERNED_NAMES) names.clear();
    names.set(name, name);
    return name;
  }

  // Label fields of one entry copied together, for the rare entry whose label fields are not
  // adjacent on the wire.
  function gatherLabelFields(c: Cursor, s: number, e: number): Buffer {
    const parts: Buffer[] = [];
    c.pos = s;
    while (c.pos < e) {
      const at = c.pos;
      const key = c.key(e);
      c.skip(key & 7, e, at);
      if (key === 0x0a) parts.push(c.buf.subarray(at, c.pos));
    }
    return Buffer.concat(parts);
  }

  function decodeMetadata(c: Cursor, end: number): MetricMetadata {
    let type = 0;
    let metricFamilyName = '';
    let help = '';
    let unit = '';
    while (c.pos < end) {
      const at = c.pos;
      const key = c.key(end);
      const field = key >>> 3;
      const wt = key & 7;
      if (field === 1) {
        if (wt !== WT_VARINT) throw wrongWireType(field, wt, at);
        type = c.int32(end);
      } else if (field === 2 || field === 4 || field === 5) {
        if (wt !== WT_LEN) throw wrongWireType(field, wt, at);
        const len = c.length(end);
        // Metadata is informational: invalid UTF-8 is replaced, not rejected.
        const text = c.utf8(c.pos, c.pos + len);
        c.pos += len;
        if (field === 2) metricFamilyName = text;
        else if (field === 4) help = text;
        else unit = text;
      } else c.skip(wt, end, at);
    }
    return { type, metricFamilyName, help, unit };
  }

  function decode(body: Buffer): DecodedWrite {
    if (curCount >= generationSize) rotate();
    const requestEpoch = ++epoch;
    const c = new Cursor(body);
    const buf = body;
    const end = body.length;
    let samples = 0;
    let groups = 0;
    let interleaved = false;
    let histogramCount = 0;
    let exemplarCount = 0;
    const owners: CacheEntry[] = [];
    const metadata: MetricMetadata[] = [];

    while (c.pos < end) {
      const topAt = c.pos;
      const topKey = c.key(end);
      if (topKey === 0x1a) {
        const len = c.length(end);
        const msgEnd = c.pos + len;
        metadata.push(decodeMetadata(c, msgEnd));
        continue;
      }
      if (topKey !== 0x0a) {
        const field = topKey >>> 3;
        if (field === 1 || field === 3) throw wrongWireType(field, topKey & 7, topAt);
        c.skip(topKey & 7, end, topAt);
        continue;
      }

      // One TimeSeries entry: [c.pos, entryEnd).
      const entryLen = c.length(end);
      const entryEnd = c.pos + entryLen;
      const entryStart = c.pos;
      const firstSample = samples;
      let labelStart = -1;
      let labelEnd = -1;
      let labelsSplit = false;
      let extras = 0;
      // Fast path: the label fields are the predicted series' key, so skip walking them.
      const predicted = buf[entryStart] === 0x0a ? predict(buf, entryStart, entryEnd) : null;
      if (predicted !== null) {
        labelStart = entryStart;
        labelEnd = entryStart + predicted.key.length;
        c.pos = labelEnd;
      }
      const predictedEnd = labelEnd;
      while (c.pos < entryEnd) {
        const at = c.pos;
        const key = buf[at]! < 0x80 ? buf[c.pos++]! : c.key(entryEnd);
        if (key === 0x0a) {
          const len = c.length(entryEnd);
          if (labelStart < 0) labelStart = at;
          else if (at !== labelEnd) labelsSplit = true;
          c.pos += len;
          labelEnd = c.pos;
        } else if (key === 0x12) {
          const sampleLen = c.length(entryEnd);
          const sampleEnd = c.pos + sampleLen;
          let lo = 0;
          let hi = 0;
          let ts = 0;
          while (c.pos < sampleEnd) {
            const p = c.pos;
            const k = buf[p]! < 0x80 ? buf[c.pos++]! : c.key(sampleEnd);
            if (k === 0x09) {
              const v = c.pos;
              if (sampleEnd - v < 8) throw corrupt('truncated double', v);
              lo = (buf[v]! | (buf[v + 1]! << 8) | (buf[v + 2]! << 16) | (buf[v + 3]! << 24)) >>> 0;
              hi = (buf[v + 4]! | (buf[v + 5]! << 8) | (buf[v + 6]! << 16) | (buf[v + 7]! << 24)) >>> 0;
              c.pos = v + 8;
            } else if (k === 0x10) {
              ts = c.int64(sampleEnd);
            } else {
              const field = k >>> 3;
              if (field === 1 || field === 2) throw wrongWireType(field, k & 7, p);
              if (field === 0) throw corrupt(`invalid field key ${k}`, p);
              c.skip(k & 7, sampleEnd, p);
            }
          }
          if (ts > MAX_SAFE_TIMESTAMP_MS || ts < MIN_SAFE_TIMESTAMP_MS) {
            throw new RequestError(
              400,
              'invalid_timestamp',
              `sample timestamp outside ±2^53 ms at byte ${at} (series ${describeLabels(buf, entryStart, entryEnd)})`,
            );
          }
          if (samples === capacity) reserveSamples(samples + 1);
          tsScratch[samples] = ts;
          valWords[2 * samples] = lo;
          valWords[2 * samples + 1] = hi;
          samples++;
        } else if (key === 0x1a || key === 0x22) {
          const msgLen = c.length(entryEnd);
          const msgEnd = c.pos + msgLen;
          c.skipMessage(msgEnd);
          if (key === 0x1a) exemplarCount++;
          else histogramCount++;
          extras++;
        } else {
          const field = key >>> 3;
          if (field >= 1 && field <= 4) throw wrongWireType(field, key & 7, at);
          if (field === 0) throw corrupt(`invalid field key ${key}`, at);
          c.skip(key & 7, entryEnd, at);
        }
      }

      const sampleCount = samples - firstSample;
      if (labelStart < 0) {
        if (sampleCount + extras > 0) {
          throw new RequestError(400, 'empty_label_set', `time series entry at byte ${topAt} has no labels`);
        }
        continue;
      }
      // A label field after the predicted ones means the guess was wrong after all.
      const entry =
        predicted !== null && labelEnd === predictedEnd && !labelsSplit
          ? use(predicted)
          : labelsSplit
            ? lookupGathered(gatherLabelFields(c, entryStart, entryEnd))
            : lookup(buf, labelStart, labelEnd);
      const owner = entry.owner;
      if (owner.empty && sampleCount + extras > 0) {
        throw new RequestError(
          400,
          'empty_label_set',
          `time series entry at byte ${topAt} has only empty labels`,
        );
      }
      if (sampleCount === 0) continue;
      let g: number;
      if (owner.epoch === requestEpoch) {
        g = owner.group;
        if (groupEnd[g] !== firstSample) interleaved = true;
        groupCount[g]! += sampleCount;
      } else {
        g = groups++;
        owner.epoch = requestEpoch;
        owner.group = g;
        owners.push(owner);
        if (g >= groupCap) reserveGroups(g + 1);
        groupStart[g] = firstSample;
        groupCount[g] = sampleCount;
      }
      groupEnd[g] = samples;
      for (let i = firstSample; i < samples; i++) groupOf[i] = g;
    }

    return finish(samples, groups, interleaved, owners, metadata, histogramCount, exemplarCount);
  }

  function lookupGathered(key: Buffer): CacheEntry {
    return lookup(key, 0, key.length);
  }

  // Copies the scratch samples into exact-size arrays grouped by series (arrival order within a
  // series). Same-type TypedArray copies move bytes, so NaN payloads survive.
  function finish(
    samples: number,
    groups: number,
    interleaved: boolean,
    owners: CacheEntry[],
    metadata: MetricMetadata[],
    histogramCount: number,
    exemplarCount: number,
  ): DecodedWrite {
    const timestamps = tsScratch.slice(0, samples);
    let values: Float64Array;
    if (!interleaved) {
      values = valScratch.slice(0, samples);
    } else {
      // Each group's samples go to one contiguous run, runs in order of first appearance.
      const offset = new Int32Array(groups);
      for (let g = 0, at = 0; g < groups; g++) {
        offset[g] = at;
        groupStart[g] = at;
        at += groupCount[g]!;
      }
      values = new Float64Array(samples);
      const words = new Uint32Array(values.buffer);
      for (let i = 0; i < samples; i++) {
        const o = offset[groupOf[i]!]!++;
        timestamps[o] = tsScratch[i]!;
        words[2 * o] = valWords[2 * i]!;
        words[2 * o + 1] = valWords[2 * i + 1]!;
      }
    }
    const series: SeriesSamples[] = new Array<SeriesSamples>(groups);
    for (let g = 0; g < groups; g++) {
      const from = groupStart[g]!;
      const to = from + groupCount[g]!;
      // The constructor is cheaper than subarray() (no species lookup).
      series[g] = {
        series: owners[g]!.ref,
        timestamps: new Float64Array(timestamps.buffer, from * 8, to - from),
        values: new Float64Array(values.buffer, from * 8, to - from),
      };
    }
    // Give back scratch memory after an unusually large request.
    if (capacity > 16 * INITIAL_SAMPLES && samples < capacity / 8) {
      capacity = 0;
      tsScratch = new Float64Array(0);
      valScratch = new Float64Array(0);
      valWords = new Uint32Array(0);
      groupOf = new Int32Array(0);
    }
    return { series, sampleCount: samples, metadata, histogramCount, exemplarCount };
  }

  return {
    decode,
    cachedSeries: () => byKey.size,
    seriesBuilt: () => built,
  };
}
