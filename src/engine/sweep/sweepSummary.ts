// The results of a sweep: each run's test metric, trainable parameters and training time, ranked
// best first, with the runs on the Pareto front of metric against parameters and against time
// (no other run is at least as good for less) marked.

import type { TaskKind } from '../../protocol/datasetTypes';
import type { Evaluation, RunRecord } from '../../protocol/runTypes';
import type { SweepMetric, SweepRunEntry } from '../../protocol/sweepTypes';
import { evaluationValue } from '../evaluation/comparisonMetrics';
import { metricMode } from '../training/trainDefaults';
import { UserError } from '../userError';
import type { SweepSettings } from './sweepPlan';

const CLASSIFICATION_METRICS = ['accuracy', 'macroF1', 'loss'];
const REGRESSION_METRICS = ['r2', 'rmse', 'mae', 'loss'];

/** The metric a sweep ranks by: the one asked for (checked against the task), else accuracy or R². */
export function sweepMetricFor(task: TaskKind, asked?: string): SweepMetric {
  const allowed = task === 'tabular-regression' ? REGRESSION_METRICS : CLASSIFICATION_METRICS;
  const name = asked ?? allowed[0];
  if (!allowed.includes(name)) {
    throw new UserError(`--metric ${name} does not fit a ${task} task.`, { hint: `Use one of ${allowed.join(', ')}.` });
  }
  return { name, mode: metricMode(name) };
}

/** The headline test metrics of an evaluation, by name. */
export function headlineMetrics(evaluation: Evaluation | null): Record<string, number> {
  if (!evaluation) return {};
  const names = evaluation.task === 'tabular-regression' ? ['mae', 'rmse', 'r2', 'loss'] : ['accuracy', 'macroF1', 'loss'];
  const out: Record<string, number> = {};
  for (const name of names) {
    const value = evaluationValue(evaluation, name);
    if (value !== null) out[name] = value;
  }
  return out;
}

/** One run's entry, not yet ranked. */
export function sweepEntry(run: RunRecord, evaluation: Evaluation | null, settings: SweepSettings, metric: SweepMetric): SweepRunEntry {
  const finished = run.status === 'completed' ? evaluation : null;
  return {
    runId: run.id,
    name: run.name,
    technique: run.config.technique,
    settings,
    status: run.status,
    metric: evaluationValue(finished, metric.name),
    testMetrics: headlineMetrics(finished),
    trainableParams: run.model?.trainableParams ?? null,
    totalParams: run.model?.totalParams ?? null,
    trainingSeconds: run.trainingSeconds > 0 ? run.trainingSeconds : null,
    rank: null,
    paretoParams: false,
    paretoTime: false,
  };
}

/** True when a is better than b by the metric's direction. */
function better(a: number, b: number, mode: 'min' | 'max'): boolean {
  return mode === 'max' ? a > b : a < b;
}

/** For each point: true when no other point is at least as good for at most the cost, and better in one of them. */
export function paretoFront(points: readonly { value: number | null; cost: number | null }[], mode: 'min' | 'max'): boolean[] {
  return points.map((p, i) => {
    if (p.value === null || p.cost === null) return false;
    const { value, cost } = p;
    return !points.some((q, j) => {
      if (j === i || q.value === null || q.cost === null) return false;
      const asGood = q.value === value || better(q.value, value, mode);
      const cheaper = q.cost <= cost;
      return asGood && cheaper && (better(q.value, value, mode) || q.cost < cost);
    });
  });
}

/**
 * Best first by the metric (ties: fewer trainable parameters, then less time); runs without a
 * value keep their order at the end. Ranks count from 1; equal values share a rank.
 */
export function rankEntries(entries: readonly SweepRunEntry[], metric: SweepMetric): SweepRunEntry[] {
  const paretoParams = paretoFront(entries.map((e) => ({ value: e.metric, cost: e.trainableParams })), metric.mode);
  const paretoTime = paretoFront(entries.map((e) => ({ value: e.metric, cost: e.trainingSeconds })), metric.mode);
  const marked = entries.map((e, i) => ({ ...e, paretoParams: paretoParams[i], paretoTime: paretoTime[i], rank: null as number | null }));
  const scored = marked.filter((e) => e.metric !== null);
  const unscored = marked.filter((e) => e.metric === null);
  const big = Number.POSITIVE_INFINITY;
  scored.sort((a, b) => {
    const av = a.metric ?? 0;
    const bv = b.metric ?? 0;
    if (av !== bv) return better(av, bv, metric.mode) ? -1 : 1;
    const ap = a.trainableParams ?? big;
    const bp = b.trainableParams ?? big;
    if (ap !== bp) return ap - bp;
    return (a.trainingSeconds ?? big) - (b.trainingSeconds ?? big);
  });
  scored.forEach((e, i) => {
    e.rank = i > 0 && scored[i - 1].metric === e.metric ? scored[i - 1].rank : i + 1;
  });
  return [...scored, ...unscored];
}
