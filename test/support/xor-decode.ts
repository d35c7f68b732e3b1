// An independent reader of STREAMED_XOR_CHUNKS answers for tests: frames (length, CRC-32C
// computed bit by bit, not with the production table), the ChunkedReadResponse protobuf, and
// XOR chunks decoded with BigInt arithmetic. Values stay raw 64-bit patterns throughout.

import { BitReader } from './bits.js';
import { int64, PbReader } from './pb-reader.js';

export interface DecodedSample {
  t: number;
  bits: bigint;
}

export interface DecodedChunk {
  minTimeMs: number;
  maxTimeMs: number;
  type: number;
  data: Buffer;
}

export interface DecodedFrame {
  queryIndex: number;
  /** Every chunked_series entry of the frame (the client reads only the first). */
  series: Array<{ labels: Array<[string, string]>; chunks: DecodedChunk[] }>;
}

/** CRC-32C, one bit at a time (reflected 0x82F63B78). */
export function crc32cSlow(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

class ChunkReader extends BitReader {
  constructor(data: Uint8Array) {
    super(data, 'xor chunk');
  }

  uvarint(): bigint {
    if (this.pos % 8 !== 0) throw new Error('xor chunk: varint not byte-aligned');
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = this.read(8);
      v |= (b & 0x7fn) << shift;
      if (b < 0x80n) return v;
    }
  }
}

/** Decodes one XOR chunk into its samples. */
export function decodeXorChunk(data: Uint8Array): DecodedSample[] {
  const r = new ChunkReader(data);
  const count = Number(r.read(16));
  const out: DecodedSample[] = [];
  let t = 0n;
  let delta = 0n;
  let v = 0n;
  let leading = 0;
  let trailing = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0) {
      const z = r.uvarint();
      t = z & 1n ? -((z + 1n) >> 1n) : z >> 1n;
      v = r.read(64);
    } else {
      if (i === 1) delta = r.uvarint();
      else {
        let prefix = 0;
        while (prefix < 4 && r.bit() === 1n) prefix++;
        let dod = 0n;
        if (prefix > 0) {
          const width = [0, 14, 17, 20, 64][prefix]!;
          dod = r.read(width);
          if (width === 64) dod = BigInt.asIntN(64, dod);
          else if (dod > 1n << BigInt(width - 1)) dod -= 1n << BigInt(width);
        }
        delta += dod;
      }
      t += delta;
      if (r.bit() === 1n) {
        if (r.bit() === 1n) {
          leading = Number(r.read(5));
          let significant = Number(r.read(6));
          if (significant === 0) significant = 64;
          trailing = 64 - leading - significant;
        }
        const middle = r.read(64 - leading - trailing);
        v ^= middle << BigInt(trailing);
      }
    }
    out.push({ t: Number(t), bits: v });
  }
  return out;
}

function decodeChunkedReadResponse(buf: Buffer): DecodedFrame {
  const frame: DecodedFrame = { queryIndex: 0, series: [] };
  const top = new PbReader(buf, 0, buf.length);
  top.each((f, w) => {
    if (f === 2 && w === 0) frame.queryIndex = int64(top.varint());
    else if (f === 1 && w === 2) {
      const cs = top.sub();
      const series: DecodedFrame['series'][number] = { labels: [], chunks: [] };
      cs.each((f2, w2) => {
        if (f2 === 1 && w2 === 2) {
          const l = cs.sub();
          let name = '';
          let value = '';
          l.each((f3, w3) => {
            if (f3 === 1 && w3 === 2) name = l.text();
            else if (f3 === 2 && w3 === 2) value = l.text();
            else l.skip(w3);
          });
          series.labels.push([name, value]);
        } else if (f2 === 2 && w2 === 2) {
          const c = cs.sub();
          const chunk: DecodedChunk = { minTimeMs: 0, maxTimeMs: 0, type: 0, data: Buffer.alloc(0) };
          c.each((f3, w3) => {
            if (f3 === 1 && w3 === 0) chunk.minTimeMs = int64(c.varint());
            else if (f3 === 2 && w3 === 0) chunk.maxTimeMs = int64(c.varint());
            else if (f3 === 3 && w3 === 0) chunk.type = Number(c.varint());
            else if (f3 === 4 && w3 === 2) {
              const d = c.sub();
              chunk.data = Buffer.from(buf.subarray(d.pos, d.end));
            } else c.skip(w3);
          });
          series.chunks.push(chunk);
        } else cs.skip(w2);
      });
      frame.series.push(series);
    } else top.skip(w);
  });
  return frame;
}

/** Splits a streamed body into frames, checking every length and CRC. */
export function decodeFrames(body: Buffer): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  let pos = 0;
  while (pos < body.length) {
    const head = new PbReader(body, pos, body.length);
    const len = Number(head.varint());
    const crcAt = head.pos;
    const dataAt = crcAt + 4;
    if (dataAt + len > body.length) throw new Error(`frame at ${pos}: truncated (${len} bytes announced)`);
    const data = body.subarray(dataAt, dataAt + len);
    const want = body.readUInt32BE(crcAt);
    const got = crc32cSlow(data);
    if (want !== got) throw new Error(`frame at ${pos}: CRC ${want.toString(16)} != ${got.toString(16)}`);
    frames.push(decodeChunkedReadResponse(Buffer.from(data)));
    pos = dataAt + len;
  }
  return frames;
}

export interface StreamedSeries {
  queryIndex: number;
  labels: Array<[string, string]>;
  chunks: DecodedChunk[];
  samples: DecodedSample[];
}

/**
 * Series as the Prometheus client would see them, except that consecutive frames of one series
 * (same query, same labels) are joined. Each chunk's samples are checked against its min/max.
 */
export function decodeStreamedSeries(body: Buffer): StreamedSeries[] {
  const out: StreamedSeries[] = [];
  for (const frame of decodeFrames(body)) {
    if (frame.series.length !== 1) throw new Error(`a frame holds ${frame.series.length} series, not 1`);
    const s = frame.series[0]!;
    const last = out.at(-1);
    const same =
      last !== undefined &&
      last.queryIndex === frame.queryIndex &&
      JSON.stringify(last.labels) === JSON.stringify(s.labels);
    const target: StreamedSeries = same
      ? last
      : { queryIndex: frame.queryIndex, labels: s.labels, chunks: [], samples: [] };
    for (const c of s.chunks) {
      if (c.type !== 1) throw new Error(`chunk type ${c.type} is not XOR`);
      const samples = decodeXorChunk(c.data);
      if (samples.length === 0) throw new Error('empty chunk');
      if (samples[0]!.t !== c.minTimeMs || samples.at(-1)!.t !== c.maxTimeMs) {
        throw new Error(
          `chunk min/max ${c.minTimeMs}/${c.maxTimeMs} but samples span ${samples[0]!.t}/${samples.at(-1)!.t}`,
        );
      }
      target.chunks.push(c);
      target.samples.push(...samples);
    }
    if (!same) out.push(target);
  }
  return out;
}
