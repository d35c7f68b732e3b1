// A growable list of byte ranges [start, end) into one request body, in two Uint32Arrays that
// the decoders index directly and reuse across requests: the 2.0 symbols table and the 2.0
// request's TimeSeries entries.

export class ByteRanges {
  starts = new Uint32Array(0);
  ends = new Uint32Array(0);
  count = 0;

  /** minCapacity: the first allocation; shrinkAbove: capacity given back by clear(). */
  constructor(
    private readonly minCapacity: number,
    private readonly shrinkAbove = Infinity,
  ) {}

  push(start: number, end: number): void {
    const n = this.count;
    if (n === this.starts.length) this.grow();
    this.starts[n] = start;
    this.ends[n] = end;
    this.count = n + 1;
  }

  /** Forgets the ranges; gives the arrays back after an unusually large request. */
  clear(): void {
    this.count = 0;
    if (this.starts.length > this.shrinkAbove) {
      this.starts = new Uint32Array(0);
      this.ends = new Uint32Array(0);
    }
  }

  private grow(): void {
    const next = Math.max(this.minCapacity, this.starts.length * 2);
    const starts = new Uint32Array(next);
    starts.set(this.starts);
    const ends = new Uint32Array(next);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}
