// The overload ("urgency") score of one backend (design.md §7): how full its in-flight budget
// is. Above 0.8 new writes are shed; shedding stops only once the score falls below 0.7, so the
// gateway does not flap at the threshold.

export const SHED_ABOVE = 0.8;
export const RESUME_BELOW = 0.7;

export interface OverloadBudget {
  /** Reserves `samples`; false (nothing reserved) when the backend is shedding. */
  tryAcquire(samples: number): boolean;
  release(samples: number): void;
  readonly inflight: number;
  readonly score: number;
  readonly shedding: boolean;
}

export function createOverloadBudget(
  budgetSamples: number,
  onChange: (state: { inflight: number; score: number; shedding: boolean }) => void = () => {},
): OverloadBudget {
  let inflight = 0;
  let shedding = false;
  const score = () => Math.min(1, inflight / budgetSamples);
  const update = () => {
    const s = score();
    if (!shedding && s > SHED_ABOVE) shedding = true;
    else if (shedding && s < RESUME_BELOW) shedding = false;
    onChange({ inflight, score: s, shedding });
  };
  return {
    tryAcquire(samples) {
      if (shedding) return false;
      // An idle backend always takes a batch, even one larger than the whole budget;
      // otherwise a single oversized request could never be written.
      if (inflight > 0 && inflight + samples > budgetSamples) {
        update();
        return false;
      }
      inflight += samples;
      update();
      return true;
    },
    release(samples) {
      inflight = Math.max(0, inflight - samples);
      update();
    },
    get inflight() {
      return inflight;
    },
    get score() {
      return score();
    },
    get shedding() {
      return shedding;
    },
  };
}
