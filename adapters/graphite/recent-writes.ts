// Read-your-writes across carbon's write-behind: carbon has no ack, creates whisper files in a
// background thread up to ~1 s after the data arrived, and graphite-web skips carbon's cache for
// a while after a carbon restart. The adapter remembers the last few seconds it sent per series
// for `read_settle`, and a read that misses one of those points asks again until it shows up or
// the settle time is over. Bounded: old entries are dropped.

const MAX_ENTRIES = 100_000;

export interface RecentWrites {
  /** Records that `path` (carbon's canonical name) got points at these seconds. */
  note(path: string, seconds: readonly number[]): void;
  /** Paths written within the last windowMs, with the seconds written. */
  since(windowMs: number): Map<string, readonly number[]>;
}

export function createRecentWrites(): RecentWrites {
  const entries = new Map<string, { seconds: readonly number[]; at: number }>();
  return {
    note(path, seconds) {
      const now = Date.now();
      const e = entries.get(path);
      if (e) {
        e.seconds = seconds;
        e.at = now;
        return;
      }
      if (entries.size >= MAX_ENTRIES) {
        // Map keeps insertion order: drop the oldest half.
        let drop = MAX_ENTRIES / 2;
        for (const key of entries.keys()) {
          entries.delete(key);
          if (--drop === 0) break;
        }
      }
      entries.set(path, { seconds, at: now });
    },
    since(windowMs) {
      const cutoff = Date.now() - windowMs;
      const out = new Map<string, readonly number[]>();
      for (const [p, e] of entries) if (e.at >= cutoff) out.set(p, e.seconds);
      return out;
    },
  };
}
