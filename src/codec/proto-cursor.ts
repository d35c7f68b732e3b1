// Bounded reading of protobuf wire data (encoding.md of the protobuf spec): varints, field keys,
// length prefixes and skipping unknown fields by wire type. Every read is bounded by an explicit
// limit, the end of the enclosing message, and malformed input becomes RequestError(400,
// corrupt_protobuf) with the byte offset. Shared by the remote-write decoder's modules.
//
// Strictness follows Prometheus' Go decoder rather than protobufjs: field number 0, keys beyond
// 32 bits, varints longer than 10 bytes and nested lengths running past their parent are corrupt.

import { RequestError } from '../errors.js';
import { MAX_SAFE_TIMESTAMP_MS } from '../model.js';

export const WT_VARINT = 0;
const WT_FIXED64 = 1;
export const WT_LEN = 2;
const WT_START_GROUP = 3;
const WT_END_GROUP = 4;
const WT_FIXED32 = 5;
const MAX_GROUP_DEPTH = 64;

export function corrupt(what: string, at: number): RequestError {
  return new RequestError(400, 'corrupt_protobuf', `corrupt protobuf: ${what} at byte ${at}`);
}

/** A read position over one buffer; every read is bounded by an explicit limit (the parent's end). */
export class Cursor {
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

/** A known field sent with a wire type its schema does not allow. */
export function wrongWireType(field: number, wireType: number, at: number): RequestError {
  return corrupt(`field ${field} has wire type ${wireType}`, at);
}
