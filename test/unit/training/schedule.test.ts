import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRateAt, warmupSteps } from '../../../src/engine/training/schedule';

function series(schedule: 'constant' | 'linear' | 'cosine'): number[] {
  return Array.from({ length: 10 }, (_, step) => learningRateAt(step, 10, { base: 10, warmupRatio: 0.2, schedule }));
}

function assertSeries(got: number[], want: number[], tol = 1e-2): void {
  assert.equal(got.length, want.length);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tol, `step ${i}: ${v} vs ${want[i]}`));
}

// Expected values as in Hugging Face transformers' scheduler tests (lr 10, 2 warmup steps, 10 steps).
test('linear warmup then linear decay (get_linear_schedule_with_warmup)', () => {
  assertSeries(series('linear'), [0.0, 5.0, 10.0, 8.75, 7.5, 6.25, 5.0, 3.75, 2.5, 1.25]);
});

test('linear warmup then cosine decay (get_cosine_schedule_with_warmup)', () => {
  assertSeries(series('cosine'), [0.0, 5.0, 10.0, 9.61, 8.53, 6.91, 5.0, 3.08, 1.46, 0.38]);
});

test('linear warmup then constant (get_constant_schedule_with_warmup)', () => {
  assertSeries(series('constant'), [0.0, 5.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0]);
});

test('warmup steps round up; no warmup starts at the base rate; decay ends at 0', () => {
  assert.equal(warmupSteps(95, 0.1), 10);
  assert.equal(warmupSteps(100, 0.1), 10);
  assert.equal(warmupSteps(100, 0), 0);
  const opts = { base: 1e-3, warmupRatio: 0, schedule: 'linear' as const };
  assert.equal(learningRateAt(0, 100, opts), 1e-3);
  assert.ok(Math.abs(learningRateAt(50, 100, opts) - 5e-4) < 1e-15);
  assert.equal(learningRateAt(100, 100, opts), 0);
  assert.equal(learningRateAt(150, 100, opts), 0);
  assert.equal(learningRateAt(100, 100, { ...opts, schedule: 'cosine' }), 0);
  assert.ok(Math.abs(learningRateAt(50, 100, { ...opts, schedule: 'cosine' }) - 5e-4) < 1e-15);
  assert.equal(learningRateAt(99, 100, { ...opts, schedule: 'constant' }), 1e-3);
  // Warmup 10 of 100: halfway through warmup is half the base rate, its end is the base rate.
  const warm = { base: 2, warmupRatio: 0.1, schedule: 'linear' as const };
  assert.equal(learningRateAt(0, 100, warm), 0);
  assert.equal(learningRateAt(5, 100, warm), 1);
  assert.equal(learningRateAt(10, 100, warm), 2);
  assert.equal(learningRateAt(55, 100, warm), 1);
});
