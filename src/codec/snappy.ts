// Snappy BLOCK format (protocols.md §1.2) for request and response bodies.
//
// The native `snappy` binding is ~8× faster than snappyjs; snappyjs is the fallback when the
// binding cannot be loaded on this platform. The native decoder has no size limit and allocates
// whatever the preamble claims, so the preamble is checked against the caller's limit first.

import { createRequire } from 'node:module';
import { RequestError } from '../errors.js';

export type SnappyImpl = 'native' | 'js';

interface NativeSnappy {
  uncompressSync(input: Uint8Array, options: { copyOutputData: boolean }): string | Buffer;
  compressSync(input: Uint8Array, options: { copyOutputData: boolean }): Buffer;
}

interface JsSnappy {
  uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
  compress(input: Uint8Array): Uint8Array;
}

const require = createRequire(import.meta.url);

// Load-once memo of an immutable module binding (not request state). null = failed to load.
let native: NativeSnappy | null | undefined;
let js: JsSnappy | undefined;

function loadNative(): NativeSnappy | null {
  if (native === undefined) {
    try {
      native = require('snappy') as NativeSnappy;
    } catch {
      native = null;
    }
  }
  return native;
}

function loadJs(): JsSnappy {
  js ??= require('snappyjs') as JsSnappy;
  return js;
}

// Asking for 'native' explicitly where it cannot load is a server fault, not a bad request.
function nativeOrThrow(): NativeSnappy {
  const n = loadNative();
  if (n === null) throw new Error('native snappy binding is not available');
  return n;
}

/** Which implementation the default path uses on this machine. */
export function snappyImpl(): SnappyImpl {
  return loadNative() !== null ? 'native' : 'js';
}

// "sNaPpY" stream identifier chunk that starts every framed/stream-format body.
const FRAMED_MAGIC = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);

function corrupt(message: string): RequestError {
  return new RequestError(400, 'corrupt_snappy', `corrupt snappy body: ${message}`);
}

/**
 * The decoded length announced by the block's preamble: a little-endian base-128 varint of at
 * most 5 bytes whose value fits in 32 bits.
 */
export function readSnappyPreamble(buf: Uint8Array): number {
  return preamble(buf).length;
}

function preamble(buf: Uint8Array): { length: number; size: number } {
  let length = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= buf.length) throw corrupt('truncated length preamble');
    const b = buf[i]!;
    if (i === 4 && b > 0x0f) throw corrupt('length preamble exceeds 32 bits');
    length += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { length, size: i + 1 };
  }
  throw corrupt('length preamble longer than 5 bytes');
}

/**
 * Walks the element tags without copying and throws unless the stream is well formed and
 * decodes to exactly `expected` bytes. snappyjs checks neither copy offsets (a 4-byte offset
 * with the top bit set goes negative) nor the final length, so the fallback path runs this first.
 */
function checkBlock(buf: Uint8Array, start: number, expected: number): void {
  let pos = start;
  let out = 0;
  while (pos < buf.length) {
    const tag = buf[pos++]!;
    const kind = tag & 3;
    let len: number;
    if (kind === 0) {
      len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (pos + extra > buf.length) throw corrupt(`truncated literal length at byte ${pos}`);
        len = 1;
        for (let k = 0; k < extra; k++) len += buf[pos + k]! * 2 ** (8 * k);
        pos += extra;
      }
      if (pos + len > buf.length) throw corrupt(`literal runs past the end at byte ${pos}`);
      pos += len;
    } else {
      let offset: number;
      if (kind === 1) {
        if (pos + 1 > buf.length) throw corrupt(`truncated copy at byte ${pos}`);
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | buf[pos]!;
        pos += 1;
      } else if (kind === 2) {
        if (pos + 2 > buf.length) throw corrupt(`truncated copy at byte ${pos}`);
        len = (tag >>> 2) + 1;
        offset = buf[pos]! | (buf[pos + 1]! << 8);
        pos += 2;
      } else {
        if (pos + 4 > buf.length) throw corrupt(`truncated copy at byte ${pos}`);
        len = (tag >>> 2) + 1;
        offset = buf[pos]! + buf[pos + 1]! * 2 ** 8 + buf[pos + 2]! * 2 ** 16 + buf[pos + 3]! * 2 ** 24;
        pos += 4;
      }
      if (offset === 0 || offset > out) throw corrupt(`copy offset ${offset} out of range at byte ${pos}`);
    }
    out += len;
    if (out > expected) throw corrupt(`decodes to more than the ${expected} bytes announced`);
  }
  if (out !== expected) throw corrupt(`decodes to ${out} bytes, preamble announced ${expected}`);
}

function isFramed(buf: Uint8Array): boolean {
  if (buf.length < FRAMED_MAGIC.length) return false;
  for (let i = 0; i < FRAMED_MAGIC.length; i++) if (buf[i] !== FRAMED_MAGIC[i]) return false;
  return true;
}

/**
 * Decompresses a snappy block. 400 corrupt_snappy for malformed input, 400 snappy_framed for
 * the stream format, 413 decoded_too_large when the preamble claims more than maxDecodedBytes
 * (checked before anything is allocated).
 */
export function snappyDecompress(
  buf: Buffer,
  maxDecodedBytes: number,
  impl: SnappyImpl = snappyImpl(),
): Buffer {
  if (isFramed(buf)) {
    throw new RequestError(
      400,
      'snappy_framed',
      'body uses the snappy framed/stream format; remote storage requires the snappy block format',
    );
  }
  const { length, size } = preamble(buf);
  if (length > maxDecodedBytes) {
    throw new RequestError(
      413,
      'decoded_too_large',
      `decoded body would be ${length} bytes, over the limit of ${maxDecodedBytes} bytes`,
    );
  }
  const n = impl === 'native' ? nativeOrThrow() : null;
  let out: Buffer;
  try {
    if (n !== null) {
      out = n.uncompressSync(buf, { copyOutputData: true }) as Buffer;
    } else {
      checkBlock(buf, size, length);
      const u = loadJs().uncompress(buf, maxDecodedBytes);
      out = Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    }
  } catch (err) {
    if (err instanceof RequestError) throw err;
    throw corrupt(err instanceof Error ? err.message : String(err));
  }
  // Both decoders size the output from the preamble; a short result means a lying stream.
  if (out.length !== length) throw corrupt(`decoded ${out.length} bytes, preamble announced ${length}`);
  return out;
}

/** Compresses into one snappy block (for remote-read responses). */
export function snappyCompress(buf: Buffer, impl: SnappyImpl = snappyImpl()): Buffer {
  if (impl === 'native') return nativeOrThrow().compressSync(buf, { copyOutputData: true });
  const c = loadJs().compress(buf);
  return Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}
