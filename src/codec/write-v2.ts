// Hand-written decoder of io.prometheus.write.v2.Request (remote write 2.0, protocols.md §3)
// into the same WriteBatch as the 1.0 decoder (write-v1.ts).
//
// A 2.0 request sends every string once, in the symbols table, and each TimeSeries refers to
// its labels by (name_ref, value_ref) pairs. The refs mean nothing across requests (each request
// has its own table), so an entry's label set is identified the 1.0 way: its refs are resolved
// into the bytes that the same labels have in a 1.0 TimeSeries (Label fields, empty fields
// omitted as Prometheus' marshaller omits them), and those bytes go through the 1.0 decoder's
// series cache and label builder (series-cache.ts, label-set.ts). One set of label rules and
// reasons for both protocols, one SeriesRef per label set across requests (adapters hang their
// per-series state on it), and no label strings built for a series already seen. A first
// version that built label strings and a JSON key for every entry was about 8x slower on the
// bench workload (0.11 M against 0.87 M samples/s, snappy + decode).
//
// Decisions (protocols.md §3.4, §9):
// - A body with 1.0's fields (1-3, reserved in 2.0) is 400 v1_body_as_v2, not an empty request.
// - symbols[0] must be "" (a table with entries but no empty first symbol is 400
//   missing_empty_symbol); a ref ≥ len(symbols) is 400 invalid_symbol_ref and an odd number of
//   label refs 400 odd_label_refs, naming the series as far as it resolves.
// - Labels follow the 1.0 rules exactly (the 1.0 label builder, same reasons); empty values are
//   dropped as in 1.0; entries with equal label sets form one series.
// - Every TimeSeries needs labels and at least one sample or histogram (400 otherwise).
// - Native histograms (field 3) and exemplars (field 4) are decoded into the model
//   (histogram-proto.ts, exemplar-proto.ts); exemplar label refs are checked like series refs.
// - Start timestamps: a histogram's own (rc.4 Histogram.start_timestamp = 17) wins over the
//   series' (rc.3 TimeSeries.created_timestamp = 6). Float samples have no place for one in the
//   model: rc.4 Sample.start_timestamp = 3 is accepted and not stored.
// - Per-series metadata becomes one MetricMetadata per metric family (the series' __name__),
//   the first informative one of the request winning. Metadata with type UNSPECIFIED and no
//   help or unit carries nothing (Prometheus sends it so without metadata-wal-records, §3.1) and
//   is not passed on, so that it never overwrites stored metadata with blanks.

import { ConfigError, RequestError } from '../errors.js';
import {
  MAX_SAFE_TIMESTAMP_MS,
  MIN_SAFE_TIMESTAMP_MS,
  type Exemplar,
  type Label,
  type MetricMetadata,
  type NativeHistogram,
  type SeriesRef,
} from '../model.js';
import { ByteRanges } from './byte-ranges.js';
import { decodeExemplar } from './exemplar-proto.js';
import { createExtrasCollector } from './extras-collector.js';
import { extrasLimits } from './extras-limits.js';
import { decodeHistogram } from './histogram-proto.js';
import { createLabelBuilder } from './label-set.js';
import { corrupt, Cursor, WT_VARINT, wrongWireType } from './proto-cursor.js';
import { groupSamples, readSample, sampleHadStart, SampleScratch } from './sample-scratch.js';
import { createSeriesCache, type CacheEntry } from './series-cache.js';
import type { DecodedWrite, WriteV1DecoderOptions } from './write-v1.js';
import { createSymbolTable } from './write-v2-symbols.js';

export type WriteV2DecoderOptions = WriteV1DecoderOptions;

export interface WriteV2Decoder {
  /** Decodes an uncompressed io.prometheus.write.v2.Request. Throws RequestError(400) on bad input. */
  decode(body: Buffer): DecodedWrite;
  /** Distinct series currently cached. */
  cachedSeries(): number;
  /** Series built from scratch so far (cache misses). */
  seriesBuilt(): number;
}

/** Bound on one series' labels in their 1.0 form when no label limits are configured. */
const MAX_LABEL_BYTES = 16 << 20;
/** Larger than any symbol index a body within 4 GiB can have. */
const REF_OUT_OF_RANGE = 0xffffffff;

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

function writeVarint(out: Buffer, p: number, n: number): number {
  while (n >= 0x80) {
    out[p++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[p++] = n;
  return p;
}

// Label strings are short: a byte loop instead of Buffer#copy (a JS wrapper in Node 20) for
// them. On the bench workload (values up to ~100 B) it was as fast or faster than copy() from
// 32 bytes on, in alternating runs whose noise was about ±10 %.
function copyBytes(src: Buffer, from: number, len: number, out: Buffer, p: number): number {
  if (len > 256) return p + src.copy(out, p, from, from + len);
  for (let i = 0; i < len; i++) out[p + i] = src[from + i]!;
  return p + len;
}

// Fields 1-3 are reserved in 2.0 because they are 1.0's timeseries and metadata: a body holding
// them is a 1.0 request sent with the 2.0 Content-Type. Skipped as unknown fields, it would decode
// as an empty request and be answered 2xx while nothing was stored (trap 9); a 1.0 sender does not
// read the written headers, so that would be silent loss. It can never succeed as sent: 400.
function v1Body(field: number, at: number): RequestError {
  return new RequestError(
    400,
    'v1_body_as_v2',
    `the body holds field ${field} at byte ${at}, reserved in io.prometheus.write.v2.Request and used by ` +
      'remote write 1.0 (prometheus.WriteRequest): a 1.0 body was sent with the 2.0 Content-Type',
  );
}

export function createWriteV2Decoder(options: WriteV2DecoderOptions): WriteV2Decoder {
  const maxCached = options.maxCachedSeries;
  if (!Number.isInteger(maxCached) || maxCached < 1) {
    throw new ConfigError(`write decoder: maxCachedSeries must be a positive integer, got ${maxCached}`);
  }
  const maxLabels = options.maxLabelsPerSeries ?? Infinity;
  const maxNameBytes = options.maxLabelNameBytes ?? Infinity;
  const maxValueBytes = options.maxLabelValueBytes ?? Infinity;
  const buildLabels = createLabelBuilder({ maxLabels, maxNameBytes, maxValueBytes });
  const cache = createSeriesCache(maxCached, buildLabels);
  const { predict, use, lookup } = cache;
  const symbols = createSymbolTable();
  let epoch = 0;

  // Scratch reused across requests (decode is synchronous, hence never re-entered).
  const scratch = new SampleScratch();
  let refs = new Uint32Array(64);
  // Where the request's TimeSeries entries are (pass 1), walked in pass 2.
  const entryRanges = new ByteRanges(1024);
  // The 1.0 form of the current entry's labels.
  let labelBytes: Buffer = Buffer.alloc(1024);

  function pushRef(n: number, value: number): void {
    if (n === refs.length) {
      const next = new Uint32Array(refs.length * 2);
      next.set(refs);
      refs = next;
    }
    refs[n] = value > REF_OUT_OF_RANGE ? REF_OUT_OF_RANGE : value;
  }

  // Writes the label set of refs[0, n) into labelBytes as 1.0 Label fields; returns the length.
  // Names and values are copied from the body's symbols; empty strings are omitted, so that a
  // label set has one byte form whatever refs or duplicate symbols it was sent with.
  //
  // Refs make a small body expand: a few bytes of refs can name a huge symbol again and again.
  // So the copy stops one label past the label limit, and right after a name or value over its
  // length limit; the label builder then refuses the set with the 1.0 reason (such a set cannot
  // be in the cache, so it always reaches the builder). Without limits, MAX_LABEL_BYTES bounds it.
  function synthesize(n: number): number {
    const count = symbols.count();
    for (let i = 0; i < n; i++) {
      if (refs[i]! >= count) checkRef(refs[i]!, n, i % 2 === 0 ? 'label name' : 'label value');
    }
    const src = body;
    const starts = symStarts;
    const ends = symEnds;
    const copied = 2 * Math.min(n / 2, maxLabels + 1);
    let p = 0;
    for (let i = 0; i < copied; i += 2) {
      const nameRef = refs[i]!;
      const valueRef = refs[i + 1]!;
      const ns = starts[nameRef]!;
      const nl = ends[nameRef]! - ns;
      const vs = starts[valueRef]!;
      const vl = ends[valueRef]! - vs;
      const inner = (nl > 0 ? 1 + varintSize(nl) + nl : 0) + (vl > 0 ? 1 + varintSize(vl) + vl : 0);
      if (p + 6 + inner > MAX_LABEL_BYTES) {
        throw seriesError('label_too_long', `labels longer than ${MAX_LABEL_BYTES} bytes in total`, n);
      }
      if (p + 6 + inner > labelBytes.length) {
        const next = Buffer.alloc(Math.max(labelBytes.length * 2, p + 6 + inner));
        labelBytes.copy(next, 0, 0, p);
        labelBytes = next;
      }
      const out = labelBytes;
      out[p++] = 0x0a;
      p = writeVarint(out, p, inner);
      if (nl > 0) {
        out[p++] = 0x0a;
        p = writeVarint(out, p, nl);
        p = copyBytes(src, ns, nl, out, p);
      }
      if (vl > 0) {
        out[p++] = 0x12;
        p = writeVarint(out, p, vl);
        p = copyBytes(src, vs, vl, out, p);
      }
      if (nl > maxNameBytes || vl > maxValueBytes) break;
    }
    return p;
  }

  function seriesError(reason: string, problem: string, n: number): RequestError {
    return new RequestError(400, reason, `invalid series ${symbols.describe(refs, n)}: ${problem}`);
  }

  function checkRef(ref: number, n: number, what: string): void {
    if (ref >= symbols.count()) {
      throw seriesError(
        'invalid_symbol_ref',
        `${what} reference ${ref} is out of range (${symbols.count()} symbols)`,
        n,
      );
    }
  }

  // Per-request state, reset by decode().
  let body: Buffer = Buffer.alloc(0);
  let symStarts: Uint32Array = new Uint32Array(0);
  let symEnds: Uint32Array = new Uint32Array(0);
  let groups = 0;
  let seriesRefs: SeriesRef[] = [];
  let groupCount = new Int32Array(1024);

  // The cache entry of the label set in refs[0, n): the predicted successor of the previous
  // series when its bytes match, else a hash lookup (a miss builds and validates the labels).
  function seriesOf(n: number, entryAt: number): CacheEntry {
    if (n === 0) {
      throw new RequestError(400, 'empty_label_set', `time series at byte ${entryAt} has no labels`);
    }
    if (n % 2 !== 0) throw seriesError('odd_label_refs', `odd number of label refs (${n})`, n);
    const len = synthesize(n);
    const predicted = predict(labelBytes, 0, len);
    const entry =
      predicted !== null && predicted.key.length === len ? use(predicted) : lookup(labelBytes, 0, len);
    if (entry.owner.empty) {
      throw new RequestError(400, 'empty_label_set', `time series at byte ${entryAt} has only empty labels`);
    }
    return entry;
  }

  // The request's group (output series) of a label set, by its owner entry.
  function seriesGroup(owner: CacheEntry, requestEpoch: number): number {
    if (owner.epoch === requestEpoch) return owner.group;
    const g = groups++;
    if (g === groupCount.length) {
      const next = new Int32Array(groupCount.length * 2);
      next.set(groupCount);
      groupCount = next;
    }
    groupCount[g] = 0;
    owner.epoch = requestEpoch;
    owner.group = g;
    seriesRefs.push(owner.ref);
    return g;
  }

  function decode(input: Buffer): DecodedWrite {
    cache.beginRequest();
    const requestEpoch = ++epoch;
    // Give back the label scratch after an outsized label set (it only grows within a request).
    if (labelBytes.length > 1 << 20) labelBytes = Buffer.alloc(1024);
    body = input;
    const buf = input;
    const end = buf.length;
    const c = new Cursor(buf);
    symbols.reset(buf);

    // Pass 1: the symbols table and where the series are (fields may come in any order).
    entryRanges.clear();
    while (c.pos < end) {
      const at = c.pos;
      const key = c.key(end);
      if (key === 0x22 || key === 0x2a) {
        const len = c.length(end);
        if (key === 0x22) symbols.add(c.pos, c.pos + len);
        else entryRanges.push(c.pos, c.pos + len);
        c.pos += len;
      } else {
        const field = key >>> 3;
        if (field === 4 || field === 5) throw wrongWireType(field, key & 7, at);
        if (field <= 3) throw v1Body(field, at);
        c.skip(key & 7, end, at);
      }
    }
    const entries = entryRanges.count;
    symbols.checkFirst(entries);
    symStarts = symbols.starts();
    symEnds = symbols.ends();

    // Pass 2: the series.
    groups = 0;
    seriesRefs = [];
    const metadata = new Map<string, MetricMetadata>();
    let samples = 0;
    // The scratch arrays as locals in the loop (as in write-v1.ts).
    let { capacity, words, ts: times, groupOf } = scratch;
    let histogramCount = 0;
    let exemplarCount = 0;
    let sampleStartTimestamps = 0;
    const extras = createExtrasCollector();
    const limits = extrasLimits(options);

    for (let k = 0; k < entries; k++) {
      const entryStart = entryRanges.starts[k]!;
      const entryEnd = entryRanges.ends[k]!;
      c.pos = entryStart;
      const firstSample = samples;
      let nRefs = 0;
      let histograms = 0;
      let metaAt = -1;
      let metaType = 0;
      let helpRef = 0;
      let unitRef = 0;
      let createdMs = 0;
      let startsSeen = 0;
      let entryHistograms: NativeHistogram[] | undefined;
      let entryExemplars: Exemplar[] | undefined;

      while (c.pos < entryEnd) {
        const at = c.pos;
        const key = buf[at]! < 0x80 ? buf[c.pos++]! : c.key(entryEnd);
        if (key === 0x0a) {
          // labels_refs, packed (as every proto3 sender writes it).
          const len = c.length(entryEnd);
          const refsEnd = c.pos + len;
          while (c.pos < refsEnd) pushRef(nRefs++, c.varint(refsEnd));
        } else if (key === 0x08) {
          // labels_refs unpacked: decoders must accept both forms (protocols.md §1.1).
          pushRef(nRefs++, c.varint(entryEnd));
        } else if (key === 0x12) {
          const sampleLen = c.length(entryEnd);
          if (samples === capacity) {
            scratch.reserve(samples + 1);
            ({ capacity, words, ts: times, groupOf } = scratch);
          }
          const ts = readSample(c, c.pos + sampleLen, words, samples, true);
          if (sampleHadStart) startsSeen++;
          if (ts > MAX_SAFE_TIMESTAMP_MS || ts < MIN_SAFE_TIMESTAMP_MS) {
            throw new RequestError(
              400,
              'invalid_timestamp',
              `sample timestamp outside ±2^53 ms at byte ${at} (series ${symbols.describe(refs, nRefs)})`,
            );
          }
          times[samples] = ts;
          samples++;
        } else if (key === 0x1a) {
          const msgEndLen = c.length(entryEnd);
          const msgEnd = c.pos + msgEndLen;
          const h = decodeHistogram(c, msgEnd);
          limits.histogram(h);
          (entryHistograms ??= []).push(h);
          histograms++;
        } else if (key === 0x22) {
          const msgEndLen = c.length(entryEnd);
          const msgEnd = c.pos + msgEndLen;
          const seriesRefs = nRefs;
          const resolve = (exemplarRefs: readonly number[], exemplarAt: number): Label[] =>
            exemplarLabels(exemplarRefs, exemplarAt, seriesRefs);
          limits.exemplar();
          (entryExemplars ??= []).push(decodeExemplar(c, msgEnd, resolve));
        } else if (key === 0x2a) {
          const msgEndLen = c.length(entryEnd);
          const msgEnd = c.pos + msgEndLen;
          metaAt = at;
          // A repeated singular message field merges; for scalars the last value wins.
          while (c.pos < msgEnd) {
            const p = c.pos;
            const mk = c.key(msgEnd);
            const field = mk >>> 3;
            if (field === 1 || field === 3 || field === 4) {
              if ((mk & 7) !== WT_VARINT) throw wrongWireType(field, mk & 7, p);
              if (field === 1) metaType = c.int32(msgEnd);
              else if (field === 3) helpRef = Math.min(c.varint(msgEnd), REF_OUT_OF_RANGE);
              else unitRef = Math.min(c.varint(msgEnd), REF_OUT_OF_RANGE);
            } else c.skip(mk & 7, msgEnd, p);
          }
        } else if (key === 0x30) {
          // created_timestamp (rc.3): the start time of the series' histograms that carry none.
          createdMs = c.int64(entryEnd);
        } else {
          const field = key >>> 3;
          if (field >= 1 && field <= 6) throw wrongWireType(field, key & 7, at);
          if (field === 0) throw corrupt(`invalid field key ${key}`, at);
          c.skip(key & 7, entryEnd, at);
        }
      }

      const sampleCount = samples - firstSample;
      histogramCount += histograms;
      // Float samples with a start time (their own, else the series' rc.3 one): not kept.
      sampleStartTimestamps += createdMs !== 0 ? sampleCount : startsSeen;
      const owner = seriesOf(nRefs, entryStart).owner;
      const g = seriesGroup(owner, requestEpoch);
      if (sampleCount + histograms === 0) {
        throw seriesError('no_samples', 'time series has neither samples nor histograms', nRefs);
      }
      if (entryHistograms) {
        const withStart =
          createdMs === 0 || createdMs > MAX_SAFE_TIMESTAMP_MS || createdMs < MIN_SAFE_TIMESTAMP_MS
            ? entryHistograms
            : entryHistograms.map((h) =>
                h.startTimestampMs === 0 ? { ...h, startTimestampMs: createdMs } : h,
              );
        extras.histograms(owner.ref, withStart);
      }
      if (entryExemplars) exemplarCount += extras.exemplars(owner.ref, entryExemplars);
      if (sampleCount > 0) {
        groupCount[g]! += sampleCount;
        for (let i = firstSample; i < samples; i++) groupOf[i] = g;
      }
      if (metaAt >= 0) {
        checkRef(helpRef, nRefs, 'metadata help');
        checkRef(unitRef, nRefs, 'metadata unit');
        const name = owner.ref.metricName;
        if ((metaType !== 0 || helpRef !== 0 || unitRef !== 0) && name !== '' && !metadata.has(name)) {
          metadata.set(name, {
            type: metaType,
            metricFamilyName: name,
            help: symbols.text(helpRef),
            unit: symbols.text(unitRef),
          });
        }
      }
    }

    const result: DecodedWrite = {
      // Always regrouped: 2.0 series carry samples in entries that may interleave.
      series: groupSamples(scratch, samples, seriesRefs, groupCount, new Int32Array(groups), false),
      sampleCount: samples,
      metadata: [...metadata.values()],
      ...extras.batchParts(histogramCount, exemplarCount),
      sampleStartTimestamps,
    };
    // Drop references to this request's body and strings.
    seriesRefs = [];
    body = Buffer.alloc(0);
    symbols.reset(body);
    return result;
  }

  // An exemplar's label refs: paired, in range, resolved to their strings.
  function exemplarLabels(exemplarRefs: readonly number[], at: number, seriesRefs: number): Label[] {
    if (exemplarRefs.length % 2 !== 0) {
      throw seriesError(
        'odd_label_refs',
        `exemplar at byte ${at}: odd number of label refs (${exemplarRefs.length})`,
        seriesRefs,
      );
    }
    const count = symbols.count();
    const labels: Label[] = [];
    for (let i = 0; i < exemplarRefs.length; i += 2) {
      for (const ref of [exemplarRefs[i]!, exemplarRefs[i + 1]!]) {
        if (ref >= count) {
          throw seriesError(
            'invalid_symbol_ref',
            `exemplar at byte ${at}: label reference ${ref} is out of range (${count} symbols)`,
            seriesRefs,
          );
        }
        if (!symbols.isUtf8(ref)) {
          throw seriesError('invalid_utf8', `exemplar at byte ${at}: a label is not valid UTF-8`, seriesRefs);
        }
      }
      labels.push({ name: symbols.text(exemplarRefs[i]!), value: symbols.text(exemplarRefs[i + 1]!) });
    }
    return labels;
  }

  return {
    decode,
    cachedSeries: cache.size,
    seriesBuilt: cache.built,
  };
}
