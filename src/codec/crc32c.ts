// CRC-32C (Castagnoli), the checksum of every STREAMED_XOR_CHUNKS frame (protocols.md §4.4):
// reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF. A 256-entry table,
// one byte per step; a frame is at most ~1 MiB, so no slicing-by-8 or native add-on is needed.

const POLY = 0x82f63b78;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C of data, as an unsigned 32-bit number (check value of "123456789": 0xE3069283). */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
