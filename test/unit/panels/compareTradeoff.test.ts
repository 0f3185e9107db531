// The trade-off points of the comparison panel: headline metric per task, costs, sweep title.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTradeoff, sharedSweep } from '../../../src/panels/compareTradeoff';
import { classification, completedRun, regression } from './compareFixtures';

function withModel(id: string, technique: 'full' | 'lora', trainableParams: number, trainingSeconds: number, sweepId?: string) {
  const base = completedRun(id, { technique });
  return { ...base, model: base.model ? { ...base.model, trainableParams } : null, trainingSeconds, sweepId };
}

test('tradeoff: one point per run with test accuracy, costs kept, unknown costs null', () => {
  const data = buildTradeoff([
    { run: withModel('a', 'full', 1_000_000, 120), evaluation: classification(0.9) },
    { run: withModel('b', 'lora', 5_000, 0), evaluation: classification(0.85) },
    { run: withModel('c', 'lora', 5_000, 30), evaluation: null },
  ]);
  assert.ok(data);
  assert.equal(data.title, 'Trade-offs');
  assert.equal(data.metricLabel, 'test accuracy');
  assert.equal(data.percent, true);
  assert.deepEqual(
    data.points.map((p) => [p.run, p.label, p.metric, p.trainingSeconds]),
    [
      [0, 'a (full)', 0.9, 120],
      [1, 'b (lora)', 0.85, null],
    ],
  );
  assert.deepEqual(data.points.map((p) => p.trainableParams), [1_000_000, 5_000]);
});

test('tradeoff: regression runs use R², a shared sweep titles the charts, no metric gives null', () => {
  const data = buildTradeoff([
    { run: withModel('a', 'full', 10, 5, 'sw1'), evaluation: regression(1) },
    { run: withModel('b', 'lora', 10, 5, 'sw1'), evaluation: regression(2) },
  ]);
  assert.equal(data?.title, 'Sweep sw1');
  assert.equal(data?.metricLabel, 'test R²');
  assert.equal(data?.percent, false);
  assert.deepEqual(data?.points.map((p) => p.metric), [0.9, 0.8]);
  assert.equal(buildTradeoff([{ run: completedRun('a'), evaluation: null }]), null);
  assert.equal(sharedSweep([withModel('a', 'full', 1, 1, 's'), withModel('b', 'full', 1, 1, 't')]), null);
  assert.equal(sharedSweep([withModel('a', 'full', 1, 1)]), null);
});
