// Training throughput of a finished or running run, from the times of its training-loss events
// in metrics.jsonl and the size of its training split. Pauses (a resume a day later, a long
// validation) are left out, so the figure is what the training itself reached.

import type { MetricEvent, RunRecord } from '../protocol/runTypes';

/** A gap between consecutive steps longer than this many times the median is a pause. */
const PAUSE_FACTOR = 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Optimizer steps per epoch: ceil(train rows / batch size), else from the run's progress; null when unknown. */
export function stepsPerEpoch(run: RunRecord): number | null {
  const train = run.dataset?.split.train ?? 0;
  if (train > 0 && run.config.batchSize > 0) return Math.ceil(train / run.config.batchSize);
  if (run.progress && run.progress.epochs > 0 && run.progress.totalSteps > 0) return run.progress.totalSteps / run.progress.epochs;
  return null;
}

/**
 * Examples per second: (steps timed × train rows / steps per epoch) / seconds, over the intervals
 * between consecutive training steps, pauses excluded. null without a train split or two timed steps.
 */
export function examplesPerSecond(events: readonly MetricEvent[], run: RunRecord): number | null {
  const train = run.dataset?.split.train ?? 0;
  const perEpoch = stepsPerEpoch(run);
  if (train <= 0 || perEpoch === null || perEpoch <= 0) return null;
  // The last event of a step wins (a resumed run logs the steps after its checkpoint again).
  const timeOfStep = new Map<number, number>();
  for (const e of events) {
    if (e.split !== 'train' || e.name !== 'loss') continue;
    const time = Date.parse(e.time);
    if (Number.isFinite(time)) timeOfStep.set(e.step, time);
  }
  const steps = [...timeOfStep.keys()].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < steps.length; i++) {
    if (steps[i] !== steps[i - 1] + 1) continue;
    const dt = (timeOfStep.get(steps[i]) ?? 0) - (timeOfStep.get(steps[i - 1]) ?? 0);
    if (dt >= 0) gaps.push(dt);
  }
  if (gaps.length === 0) return null;
  const limit = Math.max(1, median(gaps)) * PAUSE_FACTOR;
  const kept = gaps.filter((dt) => dt <= limit);
  const ms = kept.reduce((sum, dt) => sum + dt, 0);
  if (ms <= 0) return null;
  return (kept.length * (train / perEpoch)) / (ms / 1000);
}
