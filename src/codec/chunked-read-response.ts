// Frames of a STREAMED_XOR_CHUNKS remote-read answer (protocols.md §4.4), encoded by hand:
//   frame := uvarint(len(data)) ‖ CRC-32C(data), 4 bytes big-endian ‖ data
// where data is a ChunkedReadResponse holding exactly one series. Prometheus' read client takes
// chunked_series[0] of each frame as a new series (trap 20), so a frame never holds zero or two
// series, and a series is split over consecutive frames only when its chunks exceed the cap.

import type { Labels } from '../model.js';
import { crc32c } from './crc32c.js';
import { int64Size, ProtoWriter, varintSize, wireLabels } from './proto-writer.js';
import { XOR_ENCODING, type EncodedChunk } from './xor-chunk.js';

/**
 * Chunk bytes (plus label bytes) per frame before a series continues in the next frame. Same
 * default as Prometheus' --storage.remote.read-max-bytes-in-frame; the client refuses frames
 * above chunked_read_limit (50 MB by default), far above this.
 */
export const DEFAULT_FRAME_BYTES = 1024 * 1024;

/** int64 field payload (varint bytes), for sizes planned before the frame buffer exists. */
function int64Bytes(n: number): Buffer {
  const w = new ProtoWriter(Buffer.allocUnsafe(int64Size(n)));
  w.int64(n);
  return w.buf;
}

/** The repeated `labels` fields of a ChunkedSeries: sorted by UTF-8 bytes, empty values left out. */
export function encodeSeriesLabels(labels: Labels): Buffer {
  const parts: Buffer[] = [];
  for (const l of wireLabels(labels)) {
    const name = Buffer.from(l.name, 'utf8');
    const value = Buffer.from(l.value, 'utf8');
    const size =
      (name.length > 0 ? 1 + varintSize(name.length) + name.length : 0) +
      1 +
      varintSize(value.length) +
      value.length;
    const w = new ProtoWriter(Buffer.allocUnsafe(1 + varintSize(size) + size));
    w.byte(0x0a); // ChunkedSeries.labels
    w.varint(size);
    if (name.length > 0) {
      w.byte(0x0a); // Label.name
      w.varint(name.length);
      w.bytes(name);
    }
    w.byte(0x12); // Label.value
    w.varint(value.length);
    w.bytes(value);
    parts.push(w.buf);
  }
  return Buffer.concat(parts);
}

/**
 * One `chunks` field of a ChunkedSeries; Chunk.type is the chunk's encoding (XOR when a
 * hand-built chunk names none).
 */
export function encodeChunkField(
  chunk: Omit<EncodedChunk, 'encoding'> & { readonly encoding?: EncodedChunk['encoding'] },
): Buffer {
  const min = chunk.minTimeMs !== 0 ? int64Bytes(chunk.minTimeMs) : undefined;
  const max = chunk.maxTimeMs !== 0 ? int64Bytes(chunk.maxTimeMs) : undefined;
  const n = chunk.data.length;
  const size =
    (min ? 1 + min.length : 0) + (max ? 1 + max.length : 0) + 2 + (n > 0 ? 1 + varintSize(n) + n : 0);
  const w = new ProtoWriter(Buffer.allocUnsafe(1 + varintSize(size) + size));
  w.byte(0x12); // ChunkedSeries.chunks
  w.varint(size);
  if (min) {
    w.byte(0x08); // Chunk.min_time_ms
    w.bytes(min);
  }
  if (max) {
    w.byte(0x10); // Chunk.max_time_ms
    w.bytes(max);
  }
  w.byte(0x18); // Chunk.type
  w.byte(chunk.encoding ?? XOR_ENCODING);
  if (n > 0) {
    w.byte(0x22); // Chunk.data
    w.varint(n);
    w.bytes(chunk.data);
  }
  return w.buf;
}

/** A whole frame: one series (encoded labels and chunk fields) of query `queryIndex`. */
export function encodeFrame(labels: Buffer, chunks: readonly Buffer[], queryIndex: number): Buffer {
  let seriesSize = labels.length;
  for (const c of chunks) seriesSize += c.length;
  const query = queryIndex !== 0 ? int64Bytes(queryIndex) : undefined;
  const dataSize = 1 + varintSize(seriesSize) + seriesSize + (query ? 1 + query.length : 0);
  const w = new ProtoWriter(Buffer.allocUnsafe(varintSize(dataSize) + 4 + dataSize));
  w.varint(dataSize);
  const crcAt = w.pos;
  w.pos += 4;
  const dataAt = w.pos;
  w.byte(0x0a); // ChunkedReadResponse.chunked_series
  w.varint(seriesSize);
  w.bytes(labels);
  for (const c of chunks) w.bytes(c);
  if (query) {
    w.byte(0x10); // ChunkedReadResponse.query_index
    w.bytes(query);
  }
  if (w.pos !== w.buf.length) throw new Error(`chunked frame: wrote ${w.pos} bytes, planned ${w.buf.length}`);
  w.buf.writeUInt32BE(crc32c(w.buf.subarray(dataAt)), crcAt);
  return w.buf;
}

/**
 * The frames of one series, in order. A frame takes chunks until the next one would push its
 * label and chunk bytes over maxFrameBytes; every frame holds at least one chunk, so a frame
 * exceeds the cap only when labels and a single chunk already do. No chunks, no frame.
 */
export function* seriesFrames(
  labels: Labels,
  chunks: Iterable<EncodedChunk>,
  queryIndex: number,
  maxFrameBytes = DEFAULT_FRAME_BYTES,
): Generator<Buffer> {
  const encodedLabels = encodeSeriesLabels(labels);
  let pending: Buffer[] = [];
  let size = encodedLabels.length;
  for (const chunk of chunks) {
    const field = encodeChunkField(chunk);
    if (pending.length > 0 && size + field.length > maxFrameBytes) {
      yield encodeFrame(encodedLabels, pending, queryIndex);
      pending = [];
      size = encodedLabels.length;
    }
    pending.push(field);
    size += field.length;
  }
  if (pending.length > 0) yield encodeFrame(encodedLabels, pending, queryIndex);
}
