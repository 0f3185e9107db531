// The per-thread scheduler times the multi-core bench reports (parallel/threadTimes.ts): on Linux
// the calling thread's counters are read and grow while it computes; per-step means are the
// differences divided by the steps, rounded to 0.01 ms, and null when a reading is missing.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { perStep, readThreadTimes } from '../../../src/engine/training/parallel/threadTimes';

test('perStep: differences over the steps, null without both readings or steps', () => {
  assert.deepEqual(perStep({ runMs: 10, waitMs: 1 }, { runMs: 40.5, waitMs: 7 }, 4), { runMs: 7.63, waitMs: 1.5 });
  assert.equal(perStep(null, { runMs: 1, waitMs: 1 }, 3), null);
  assert.equal(perStep({ runMs: 1, waitMs: 1 }, null, 3), null);
  assert.equal(perStep({ runMs: 1, waitMs: 1 }, { runMs: 2, waitMs: 2 }, 0), null);
});

test('readThreadTimes: on Linux, this thread\'s time on a core grows while it computes', { skip: process.platform !== 'linux' }, () => {
  const before = readThreadTimes();
  assert.ok(before !== null && before.runMs > 0 && before.waitMs >= 0, JSON.stringify(before));
  // Busy for ~30 ms: the counter is exact at context switches and lags by a tick at most, so
  // compare with a margin far below the work done.
  const until = performance.now() + 30;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  assert.ok(x > 0);
  const after = readThreadTimes();
  assert.ok(after !== null && after.runMs >= before.runMs, JSON.stringify({ before, after }));
  assert.ok(after.runMs + after.waitMs - (before.runMs + before.waitMs) > 5, JSON.stringify({ before, after }));
});
