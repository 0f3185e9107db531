// The curves of each run for the comparison chart: one series per `split/name`, one point per
// step (the last event of a step wins: a resumed run logs the steps after its checkpoint again),
// long series thinned to bucket means so many runs of 100,000 steps stay light. Pure.

import type { CurveMetric, CurveSeries, RunCurves } from '../protocol/comparePanelProtocol';
import type { MetricEvent } from '../protocol/runTypes';

/** Points kept per series; more are averaged in buckets. */
export const MAX_CURVE_POINTS = 1500;

const LABELS: Record<string, string> = {
  'train/loss': 'Training loss',
  'validation/loss': 'Validation loss',
  'validation/accuracy': 'Validation accuracy',
  'validation/macroF1': 'Validation macro-F1',
  'validation/mae': 'Validation MAE',
  'validation/rmse': 'Validation RMSE',
  'validation/r2': 'Validation R²',
  'train/learningRate': 'Learning rate',
};

/** The order metrics are offered in; others follow by key. */
const ORDER = Object.keys(LABELS);

/** Metrics drawn on a log scale when asked (losses and errors: positive, spanning decades). */
const LOG_NAMES = new Set(['loss', 'mae', 'rmse']);

export function curveLabel(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const [split, name] = key.split('/');
  return `${split === 'train' ? 'Training' : split === 'validation' ? 'Validation' : 'Test'} ${name ?? key}`;
}

/** Averages consecutive points in buckets down to about `max` points (the last point is kept as is). */
export function thinSeries(step: readonly number[], value: readonly number[], max: number): { step: number[]; value: number[] } {
  const n = step.length;
  if (n <= max || max < 2) return { step: [...step], value: [...value] };
  const size = Math.ceil((n - 1) / (max - 1));
  const outStep: number[] = [];
  const outValue: number[] = [];
  for (let start = 0; start < n - 1; start += size) {
    const end = Math.min(n - 1, start + size);
    let sumStep = 0;
    let sumValue = 0;
    for (let i = start; i < end; i++) {
      sumStep += step[i];
      sumValue += value[i];
    }
    outStep.push(sumStep / (end - start));
    outValue.push(sumValue / (end - start));
  }
  outStep.push(step[n - 1]);
  outValue.push(value[n - 1]);
  return { step: outStep, value: outValue };
}

/** The curves of one run (test-split events belong to the evaluation and are left out). */
export function runCurves(events: readonly MetricEvent[], maxPoints = MAX_CURVE_POINTS): RunCurves {
  const byKey = new Map<string, Map<number, number>>();
  for (const e of events) {
    if (e.split === 'test' || !Number.isFinite(e.value)) continue;
    const key = `${e.split}/${e.name}`;
    let points = byKey.get(key);
    if (!points) {
      points = new Map();
      byKey.set(key, points);
    }
    points.set(e.step, e.value);
  }
  const series: CurveSeries[] = [];
  for (const [key, points] of byKey) {
    const sorted = [...points.entries()].sort((a, b) => a[0] - b[0]);
    const thinned = thinSeries(
      sorted.map(([s]) => s),
      sorted.map(([, v]) => v),
      maxPoints,
    );
    series.push({ key, step: thinned.step, value: thinned.value });
  }
  return { series };
}

function byOrder(a: string, b: string): number {
  const ia = ORDER.indexOf(a);
  const ib = ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The metrics any run has a curve of, in a fixed order (losses first). */
export function curveMetrics(curves: readonly RunCurves[]): CurveMetric[] {
  const keys = new Set<string>();
  for (const c of curves) for (const s of c.series) if (s.step.length > 0) keys.add(s.key);
  return [...keys].sort(byOrder).map((key) => ({ key, label: curveLabel(key), logScale: LOG_NAMES.has(key.split('/')[1] ?? '') }));
}
