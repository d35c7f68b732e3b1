// Carbon's pickle protocol (protocols.md §8.2): frames of a 4-byte big-endian length and a
// protocol-2 pickle of [(path, (timestamp, value)), …]. Written by hand with the few opcodes
// carbon's restricted unpickler accepts; values go as raw doubles, so no formatting loss.

const PROTO_2 = [0x80, 0x02];
const EMPTY_LIST = 0x5d; // ]
const MARK = 0x28; // (
const BINUNICODE = 0x58; // X + uint32 LE length + UTF-8
const BINFLOAT = 0x47; // G + 8-byte big-endian double
const TUPLE2 = 0x86;
const APPENDS = 0x65; // e
const STOP = 0x2e; // .

/** Bytes one item takes in a frame: X+len+path, two G+double, two TUPLE2. */
export function pickleItemSize(pathBytes: number): number {
  return 5 + pathBytes + 18 + 2;
}

/** Frame overhead: length prefix, PROTO, EMPTY_LIST, MARK, APPENDS, STOP. */
export const PICKLE_FRAME_OVERHEAD = 4 + 2 + 1 + 1 + 1 + 1;

/** Builds frames incrementally into one buffer; finish() returns the framed bytes. */
export function createPickleFrame(capacityBytes: number) {
  const buf = Buffer.allocUnsafe(capacityBytes + PICKLE_FRAME_OVERHEAD);
  let pos = 4;
  let items = 0;
  buf[pos++] = PROTO_2[0]!;
  buf[pos++] = PROTO_2[1]!;
  buf[pos++] = EMPTY_LIST;
  buf[pos++] = MARK;
  return {
    get items() {
      return items;
    },
    /** Room left for items, in bytes. */
    remaining: () => capacityBytes + PICKLE_FRAME_OVERHEAD - 2 - pos,
    add(path: Buffer, seconds: number, values: Float64Array, index: number) {
      buf[pos++] = BINUNICODE;
      buf.writeUInt32LE(path.length, pos);
      pos += 4;
      pos += path.copy(buf, pos);
      buf[pos++] = BINFLOAT;
      buf.writeDoubleBE(seconds, pos);
      pos += 8;
      buf[pos++] = BINFLOAT;
      // Copy the value's bytes, reversed to big-endian, without passing through a JS number.
      const src = new Uint8Array(values.buffer, values.byteOffset + index * 8, 8);
      for (let k = 0; k < 8; k++) buf[pos + k] = src[7 - k]!;
      pos += 8;
      buf[pos++] = TUPLE2;
      buf[pos++] = TUPLE2;
      items++;
    },
    finish(): Buffer {
      buf[pos++] = APPENDS;
      buf[pos++] = STOP;
      buf.writeUInt32BE(pos - 4, 0);
      return buf.subarray(0, pos);
    },
  };
}
