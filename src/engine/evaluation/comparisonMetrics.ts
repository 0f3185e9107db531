// The metrics table of a comparison: one row per metric, one value per run, and which runs hold
// the best value of each row (larger is better for accuracy-like metrics, smaller for the rest).

import type { Evaluation, RunRecord } from '../../protocol/runTypes';

export interface MetricRow {
  label: string;
  /** One value per run; null where a run has none. */
  values: (number | null)[];
  /** 'max' when larger is better, 'min' when smaller is; null for rows without a best (e.g. test rows). */
  better: 'max' | 'min' | null;
  /** How values are shown. */
  format: 'metric' | 'count' | 'seconds';
  /** Indices of the runs with the best value; empty when fewer than two runs have a value or all are equal. */
  best: number[];
}

export interface ComparedRun {
  run: RunRecord;
  evaluation: Evaluation | null;
}

const TEST_METRICS: { key: string; label: string; better: 'max' | 'min' }[] = [
  { key: 'accuracy', label: 'Test accuracy', better: 'max' },
  { key: 'macroF1', label: 'Test macro-F1', better: 'max' },
  { key: 'mae', label: 'Test MAE', better: 'min' },
  { key: 'rmse', label: 'Test RMSE', better: 'min' },
  { key: 'r2', label: 'Test R²', better: 'max' },
  { key: 'loss', label: 'Test loss', better: 'min' },
];

/** A numeric field of an evaluation by name, or null. */
export function evaluationValue(evaluation: Evaluation | null, key: string): number | null {
  if (!evaluation) return null;
  const value = (evaluation as unknown as Record<string, unknown>)[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Indices of the best values; none when fewer than two values exist or they are all equal. */
export function bestIndices(values: readonly (number | null)[], better: 'max' | 'min' | null): number[] {
  if (better === null) return [];
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length < 2 || present.every((v) => v === present[0])) return [];
  const target = better === 'max' ? Math.max(...present) : Math.min(...present);
  return values.flatMap((v, i) => (v === target ? [i] : []));
}

function row(label: string, values: (number | null)[], better: 'max' | 'min' | null, format: MetricRow['format']): MetricRow {
  return { label, values, better, format, best: bestIndices(values, better) };
}

/** Test metrics any run has, best validation value, parameters and training time. */
export function comparisonMetricRows(runs: readonly ComparedRun[]): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const metric of TEST_METRICS) {
    const values = runs.map((r) => evaluationValue(r.evaluation, metric.key));
    if (values.some((v) => v !== null)) rows.push(row(metric.label, values, metric.better, 'metric'));
  }
  const testRows = runs.map((r) => r.evaluation?.rows ?? null);
  if (testRows.some((v) => v !== null)) rows.push(row('Test rows', testRows, null, 'count'));
  const bestMetrics = new Set(runs.map((r) => r.run.best?.metric).filter((m): m is string => typeof m === 'string'));
  if (bestMetrics.size === 1) {
    const [metric] = bestMetrics;
    const mode = runs.find((r) => r.run.best)?.run.config.earlyStopping.mode ?? 'min';
    rows.push(row(`Best validation ${metric}`, runs.map((r) => r.run.best?.value ?? null), mode, 'metric'));
  }
  rows.push(row('Trainable parameters', runs.map((r) => r.run.model?.trainableParams ?? null), 'min', 'count'));
  rows.push(row('Total parameters', runs.map((r) => r.run.model?.totalParams ?? null), null, 'count'));
  rows.push(row('Training time', runs.map((r) => (r.run.trainingSeconds > 0 ? r.run.trainingSeconds : null)), 'min', 'seconds'));
  return rows;
}
