// One line of the benchmark report: a median over runs, measured in one process run.

export interface BenchReport {
  /** What was measured, e.g. "decode prom242-write-selfscrape-500series". */
  readonly name: string;
  /** Unit of `median` and `runs`, e.g. "samples/s". */
  readonly unit: string;
  readonly median: number;
  readonly runs: readonly number[];
  /** Anything else worth printing (peak RSS in MB, CPU %, ratio to a peer…). */
  readonly extra?: Readonly<Record<string, string | number>>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
