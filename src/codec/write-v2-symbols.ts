// The symbols table of a remote write 2.0 request (protocols.md §3.3, §3.4): every string of the
// request is sent once in Request.symbols and referenced by index. The table keeps only byte
// ranges into the body (label refs are resolved from those bytes, write-v2.ts); a symbol's
// string is decoded on first use (metadata text, error messages), once per request.

import { isUtf8 as validUtf8 } from 'node:buffer';
import { RequestError } from '../errors.js';
import { ByteRanges } from './byte-ranges.js';

export interface SymbolTable {
  /** Starts a request over body; forgets the previous request's symbols. */
  reset(body: Buffer): void;
  /** Adds the symbol body[start, end). */
  add(start: number, end: number): void;
  /** Symbols in the table. */
  count(): number;
  /**
   * Byte ranges of the symbols: symbol i is body[starts[i], ends[i]) for i < count(). The arrays
   * are valid until the next add() or reset(); the hot loop indexes them directly.
   */
  starts(): Uint32Array;
  ends(): Uint32Array;
  /** The string of symbol i, decoded once per request. */
  text(i: number): string;
  /** Whether symbol i is valid UTF-8 (text() replaces bad bytes with U+FFFD). */
  isUtf8(i: number): boolean;
  /** Throws 400 missing_empty_symbol unless the table is empty or starts with "". */
  checkFirst(entries: number): void;
  /** `{name="value", …}` of label refs for error messages; out-of-range refs are shown as such. */
  describe(refs: Uint32Array, n: number): string;
}

export function createSymbolTable(): SymbolTable {
  let body: Buffer = Buffer.alloc(0);
  // The arrays are given back after a huge symbol table (bounded by the body size anyway).
  const ranges = new ByteRanges(256, 1 << 16);
  let texts: (string | undefined)[] = [];

  function text(i: number): string {
    let t = texts[i];
    if (t === undefined) {
      t = body.toString('utf8', ranges.starts[i]!, ranges.ends[i]!);
      texts[i] = t;
    }
    return t;
  }

  function describeRef(ref: number): string {
    return ref < ranges.count ? text(ref) : `<symbol ${ref} out of range>`;
  }

  return {
    reset(b) {
      body = b;
      ranges.clear();
      // A fresh array per request: the previous request's strings are not kept alive.
      texts = [];
    },
    add: (start, end) => ranges.push(start, end),
    count: () => ranges.count,
    starts: () => ranges.starts,
    ends: () => ranges.ends,
    text,
    isUtf8: (i) => validUtf8(body.subarray(ranges.starts[i]!, ranges.ends[i]!)),
    checkFirst(entries) {
      const n = ranges.count;
      if (n === 0 && entries === 0) return;
      if (n === 0 || ranges.ends[0]! !== ranges.starts[0]!) {
        const found = n === 0 ? 'no symbols' : `symbols[0] = ${JSON.stringify(text(0).slice(0, 100))}`;
        throw new RequestError(
          400,
          'missing_empty_symbol',
          `invalid symbols table: the first symbol must be the empty string, found ${found}`,
        );
      }
    },
    describe(refs, count) {
      const parts: string[] = [];
      for (let i = 0; i + 1 < count && parts.length < 20; i += 2) {
        parts.push(`${describeRef(refs[i]!)}=${JSON.stringify(describeRef(refs[i + 1]!))}`);
      }
      if (count % 2 === 1) parts.push(`${describeRef(refs[count - 1]!)}=<missing value ref>`);
      const out = `{${parts.join(', ')}}`;
      return out.length > 400 ? `${out.slice(0, 400)}…}` : out;
    },
  };
}
