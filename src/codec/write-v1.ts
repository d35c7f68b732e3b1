// Hand-written decoder of prometheus.WriteRequest (remote write 1.0, protocols.md §2) into the
// model's WriteBatch. This is the ingest hot path; protobufjs is several times slower here and
// serves as the test oracle (test/codec/).
//
// Where the time goes (performance.md): building ~10 label strings per entry costs more than
// everything else together, and Prometheus repeats the full label set for every sample. So a
// series is identified by the raw bytes of its label fields and its SeriesRef is built once and
// cached (series-cache.ts, label-set.ts). This module walks the request: entries, samples into
// reused scratch arrays (sample-scratch.ts, shared with 2.0), grouping by series, the batch.
//
// Strictness follows Prometheus' Go decoder rather than protobufjs: a known field with the wrong
// wire type, a nested message running past its parent, or field number 0 is corrupt input.

import { ConfigError, RequestError } from '../errors.js';
import {
  MAX_SAFE_TIMESTAMP_MS,
  MIN_SAFE_TIMESTAMP_MS,
  type Exemplar,
  type MetricMetadata,
  type NativeHistogram,
  type SeriesRef,
  type WriteBatch,
} from '../model.js';
import { createLabelBuilder, describeLabels, gatherLabelFields } from './label-set.js';
import { corrupt, Cursor, wrongWireType } from './proto-cursor.js';
import { groupSamples, readSample, SampleScratch } from './sample-scratch.js';
import { createSeriesCache, type CacheEntry } from './series-cache.js';
import { decodeExemplar } from './exemplar-proto.js';
import { createExtrasCollector } from './extras-collector.js';
import { extrasLimits } from './extras-limits.js';
import { decodeHistogram } from './histogram-proto.js';
import { decodeMetadata } from './write-v1-metadata.js';

export interface WriteV1DecoderOptions {
  /** Cap on cached series; see the notes in series-cache.ts for how far one request can exceed it. */
  readonly maxCachedSeries: number;
  readonly maxLabelsPerSeries?: number;
  readonly maxLabelNameBytes?: number;
  readonly maxLabelValueBytes?: number;
  /** Per-request caps on native histograms, their buckets and exemplars (413 above); default none. */
  readonly maxHistograms?: number;
  readonly maxHistogramBuckets?: number;
  readonly maxExemplars?: number;
}

/** A decoded request, and how many of its float samples came with a start timestamp (2.0 only). */
export type DecodedWrite = WriteBatch & { readonly sampleStartTimestamps: number };

export interface WriteV1Decoder {
  /** Decodes an uncompressed WriteRequest. Throws RequestError(400) on bad input. */
  decode(body: Buffer): DecodedWrite;
  /** Distinct series currently cached. */
  cachedSeries(): number;
  /** Label sets decoded from scratch so far (cache misses); a steady rise means the cache is too small. */
  seriesBuilt(): number;
}

export function createWriteV1Decoder(options: WriteV1DecoderOptions): WriteV1Decoder {
  const maxCached = options.maxCachedSeries;
  if (!Number.isInteger(maxCached) || maxCached < 1) {
    throw new ConfigError(`write decoder: maxCachedSeries must be a positive integer, got ${maxCached}`);
  }
  const buildLabels = createLabelBuilder({
    maxLabels: options.maxLabelsPerSeries ?? Infinity,
    maxNameBytes: options.maxLabelNameBytes ?? Infinity,
    maxValueBytes: options.maxLabelValueBytes ?? Infinity,
  });
  const cache = createSeriesCache(maxCached, buildLabels);
  // Bound once, so that the per-entry calls below are plain closure calls, as before the split.
  const { predict, use, lookup } = cache;

  let epoch = 0;
  // Per-request scratch, reused across requests (decode is synchronous, hence never re-entered).
  const scratch = new SampleScratch();
  let groupCap = 0;
  let groupStart = new Int32Array(0);
  let groupCount = new Int32Array(0);
  let groupEnd = new Int32Array(0);

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

  function decode(body: Buffer): DecodedWrite {
    cache.beginRequest();
    const requestEpoch = ++epoch;
    const c = new Cursor(body);
    const buf = body;
    const end = body.length;
    let samples = 0;
    let groups = 0;
    let interleaved = false;
    let histogramCount = 0;
    let exemplarCount = 0;
    const extras_ = createExtrasCollector();
    const limits = extrasLimits(options);
    const refs: SeriesRef[] = [];
    // The scratch arrays as locals in the loop (property loads per sample cost ~5 %, measured).
    let { capacity, words, ts: times, groupOf } = scratch;
    const metadata: MetricMetadata[] = [];
    // Fields 4 and 5 are a 2.0 request's symbols and series (trap 9: each schema reserves the
    // other's numbers, so a 2.0 body read as 1.0 would look like an empty, successful request).
    let v2Fields = false;

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
        if (topKey === 0x22 || topKey === 0x2a) v2Fields = true;
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
      let entryHistograms: NativeHistogram[] | undefined;
      let entryExemplars: Exemplar[] | undefined;
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
          if (samples === capacity) {
            scratch.reserve(samples + 1);
            ({ capacity, words, ts: times, groupOf } = scratch);
          }
          const ts = readSample(c, c.pos + sampleLen, words, samples, false);
          if (ts > MAX_SAFE_TIMESTAMP_MS || ts < MIN_SAFE_TIMESTAMP_MS) {
            throw new RequestError(
              400,
              'invalid_timestamp',
              `sample timestamp outside ±2^53 ms at byte ${at} (series ${describeLabels(buf, entryStart, entryEnd)})`,
            );
          }
          times[samples] = ts;
          samples++;
        } else if (key === 0x1a || key === 0x22) {
          const msgLen = c.length(entryEnd);
          const msgEnd = c.pos + msgLen;
          if (key === 0x1a) {
            limits.exemplar();
            (entryExemplars ??= []).push(decodeExemplar(c, msgEnd));
          } else {
            const h = decodeHistogram(c, msgEnd);
            limits.histogram(h);
            (entryHistograms ??= []).push(h);
          }
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
      if (extras > 0) {
        if (entryHistograms) histogramCount += extras_.histograms(owner.ref, entryHistograms);
        if (entryExemplars) exemplarCount += extras_.exemplars(owner.ref, entryExemplars);
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
        refs.push(owner.ref);
        if (g >= groupCap) reserveGroups(g + 1);
        groupStart[g] = firstSample;
        groupCount[g] = sampleCount;
      }
      groupEnd[g] = samples;
      for (let i = firstSample; i < samples; i++) groupOf[i] = g;
    }

    if (v2Fields && groups === 0 && metadata.length === 0) {
      throw new RequestError(
        400,
        'v2_body_as_v1',
        'the body is a remote write 2.0 request (symbols/timeseries fields 4 and 5) sent as 1.0; send Content-Type: application/x-protobuf;proto=io.prometheus.write.v2.Request',
      );
    }
    return {
      series: groupSamples(scratch, samples, refs, groupCount, groupStart, !interleaved),
      sampleCount: samples,
      metadata,
      ...extras_.batchParts(histogramCount, exemplarCount),
      sampleStartTimestamps: 0,
    };
  }

  function lookupGathered(key: Buffer): CacheEntry {
    return lookup(key, 0, key.length);
  }

  return {
    decode,
    cachedSeries: cache.size,
    seriesBuilt: cache.built,
  };
}
