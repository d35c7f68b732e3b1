// Collects rejections by reason: a count and the first example of each (WriteOutcome).

import type { Rejection } from '../../src/adapter.js';

export interface RejectionTally {
  add(reason: string, count: number, example: () => string): void;
  total(): number;
  list(): Rejection[];
}

export function createRejectionTally(): RejectionTally {
  const byReason = new Map<string, { count: number; example: string }>();
  let total = 0;
  return {
    add(reason, count, example) {
      if (count <= 0) return;
      total += count;
      const entry = byReason.get(reason);
      if (entry) entry.count += count;
      else byReason.set(reason, { count, example: example().slice(0, 500) });
    },
    total: () => total,
    list: () => [...byReason].map(([reason, e]) => ({ reason, count: e.count, example: e.example })),
  };
}
