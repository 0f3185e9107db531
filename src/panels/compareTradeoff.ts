// The trade-off charts of the comparison panel: each run's headline test metric (accuracy for
// classification, R² for regression) against its trainable parameters and its training time.
// Runs of one technique sweep get the sweep's name as title. Pure.

import type { TradeoffData, TradeoffPoint } from '../protocol/comparePanelProtocol';
import type { Evaluation, RunRecord } from '../protocol/runTypes';

interface TradeoffRun {
  run: RunRecord;
  evaluation: Evaluation | null;
}

function headline(evaluation: Evaluation | null): { kind: 'accuracy' | 'r2'; value: number } | null {
  if (!evaluation) return null;
  const value = evaluation.task === 'tabular-regression' ? evaluation.r2 : evaluation.accuracy;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return { kind: evaluation.task === 'tabular-regression' ? 'r2' : 'accuracy', value };
}

function positive(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/** The sweep every run belongs to; null when they do not all share one. */
export function sharedSweep(runs: readonly RunRecord[]): string | null {
  const first = runs[0]?.sweepId;
  if (!first) return null;
  return runs.every((r) => r.sweepId === first) ? first : null;
}

/**
 * One point per run with a headline test metric, in column order. The metric is the one of the
 * majority task (accuracy wins a tie); runs of the other task are left out. null without points.
 */
export function buildTradeoff(runs: readonly TradeoffRun[]): TradeoffData | null {
  const heads = runs.map((r) => headline(r.evaluation));
  const accuracy = heads.filter((h) => h?.kind === 'accuracy').length;
  const r2 = heads.filter((h) => h?.kind === 'r2').length;
  if (accuracy === 0 && r2 === 0) return null;
  const kind = accuracy >= r2 ? 'accuracy' : 'r2';
  const points: TradeoffPoint[] = [];
  runs.forEach((r, i) => {
    const h = heads[i];
    if (!h || h.kind !== kind) return;
    points.push({
      run: i,
      label: `${r.run.name} (${r.run.config.technique})`,
      metric: h.value,
      trainableParams: positive(r.run.model?.trainableParams),
      trainingSeconds: positive(r.run.trainingSeconds),
    });
  });
  const sweep = sharedSweep(runs.map((r) => r.run));
  return {
    title: sweep ? `Sweep ${sweep}` : 'Trade-offs',
    metricLabel: kind === 'accuracy' ? 'test accuracy' : 'test R²',
    percent: kind === 'accuracy',
    points,
  };
}
