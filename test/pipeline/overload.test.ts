import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOverloadBudget } from '../../src/pipeline/overload.js';

test('overload score sheds above 0.8 and resumes only below 0.7 (hysteresis)', () => {
  const budget = createOverloadBudget(100);
  assert.equal(budget.tryAcquire(50), true);
  assert.equal(budget.tryAcquire(31), true); // 0.81: accepted, and now shedding
  assert.equal(budget.shedding, true);
  assert.equal(budget.tryAcquire(1), false, 'refused while shedding');
  budget.release(6); // 0.75: between the thresholds, still shedding
  assert.equal(budget.shedding, true);
  assert.equal(budget.tryAcquire(1), false);
  budget.release(6); // 0.69: below 0.7, accepts again
  assert.equal(budget.shedding, false);
  assert.equal(budget.tryAcquire(1), true);
  assert.equal(budget.inflight, 70);
});

test('an idle backend takes a batch larger than its whole budget; a busy one refuses it', () => {
  const budget = createOverloadBudget(10);
  assert.equal(budget.tryAcquire(25), true);
  assert.equal(budget.score, 1);
  budget.release(25);
  assert.equal(budget.shedding, false);
  assert.equal(budget.tryAcquire(5), true);
  assert.equal(budget.tryAcquire(6), false, 'would exceed the budget');
  assert.equal(budget.inflight, 5);
});

test('the change callback reports inflight, score and shedding', () => {
  const seen: Array<{ inflight: number; score: number; shedding: boolean }> = [];
  const budget = createOverloadBudget(10, (s) => seen.push(s));
  budget.tryAcquire(9);
  budget.release(9);
  assert.deepEqual(seen, [
    { inflight: 9, score: 0.9, shedding: true },
    { inflight: 0, score: 0, shedding: false },
  ]);
});
