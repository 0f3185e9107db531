// Per-epoch view of metrics.jsonl: the last value of each metric per epoch and split. "Last" also
// makes a resumed run (which re-logs the epoch it resumed in) show its final numbers.

import type { MetricEvent } from '../../protocol/runTypes';

export interface EpochMetrics {
  epoch: number;
  /** Metric name → last value of the epoch, per split. */
  train: Record<string, number>;
  validation: Record<string, number>;
}

/** Epochs that have a train or validation event, in ascending order. Test events are ignored. */
export function summarizeEpochs(metrics: readonly MetricEvent[]): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>();
  for (const event of metrics) {
    if (event.split !== 'train' && event.split !== 'validation') continue;
    let row = byEpoch.get(event.epoch);
    if (!row) {
      row = { epoch: event.epoch, train: {}, validation: {} };
      byEpoch.set(event.epoch, row);
    }
    row[event.split][event.name] = event.value;
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** Validation metrics shown besides the loss, in order of preference. */
const PREFERRED_METRICS = ['accuracy', 'macroF1', 'mae', 'rmse', 'r2'];

/**
 * The validation metric to show next to the losses: the early-stopping metric when it is not the
 * loss and was logged, else the first of accuracy, macroF1, mae, rmse, r2 that was logged.
 */
export function pickValidationMetric(epochs: readonly EpochMetrics[], watched: string | null): string | null {
  const logged = new Set<string>();
  for (const row of epochs) for (const name of Object.keys(row.validation)) logged.add(name);
  if (watched && watched !== 'loss' && logged.has(watched)) return watched;
  return PREFERRED_METRICS.find((name) => logged.has(name)) ?? null;
}
