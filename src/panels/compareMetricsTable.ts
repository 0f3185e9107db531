// The metrics table of the comparison panel: one column per run, one row per figure (test
// metrics, best and final validation values, per-class precision/recall/F1, what training cost),
// the best value of each row marked by the row's direction. Pure.

import type { MetricDirection, MetricFormat, MetricRow } from '../protocol/comparePanelProtocol';
import type { Evaluation, MetricEvent } from '../protocol/runTypes';
import type { CompareRunData } from './compareRunData';
import { examplesPerSecond } from './compareThroughput';

/** Metrics where a larger value is better; every other named metric is better smaller. */
const HIGHER_BETTER = new Set(['accuracy', 'macroF1', 'r2', 'precision', 'recall', 'f1']);

const METRIC_LABELS: Record<string, string> = {
  loss: 'loss',
  accuracy: 'accuracy',
  macroF1: 'macro-F1',
  mae: 'MAE',
  rmse: 'RMSE',
  r2: 'R²',
};

/** The order validation and test metrics are listed in; others follow by name. */
const METRIC_ORDER = ['accuracy', 'macroF1', 'loss', 'mae', 'rmse', 'r2'];

export function directionOf(metric: string): MetricDirection {
  return HIGHER_BETTER.has(metric) ? 'higher' : 'lower';
}

export function metricLabel(metric: string): string {
  return METRIC_LABELS[metric] ?? metric;
}

function byMetricOrder(a: string, b: string): number {
  const ia = METRIC_ORDER.indexOf(a);
  const ib = METRIC_ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tolerance when deciding that two values tie. */
function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * The columns holding the best value of a row: every column on a tie; none without a direction,
 * with fewer than two values, or when all values are the same (nothing stands out).
 */
export function bestColumns(values: readonly (number | null)[], direction: MetricDirection): number[] {
  if (direction === 'none') return [];
  const present = values.flatMap((v, i) => (v !== null && Number.isFinite(v) ? [{ v, i }] : []));
  if (present.length < 2) return [];
  const best = present.reduce((b, p) => (direction === 'higher' ? Math.max(b, p.v) : Math.min(b, p.v)), present[0].v);
  if (present.every((p) => same(p.v, best))) return [];
  return present.filter((p) => same(p.v, best)).map((p) => p.i);
}

function row(key: string, group: string, label: string, direction: MetricDirection, format: MetricFormat, values: (number | null)[]): MetricRow {
  const clean = values.map((v) => (v !== null && Number.isFinite(v) ? v : null));
  return { key, group, label, direction, format, values: clean, best: bestColumns(clean, direction) };
}

const TEST_METRICS = ['accuracy', 'macroF1', 'loss', 'mae', 'rmse', 'r2'] as const;

type TestMetric = (typeof TEST_METRICS)[number];

function testValue(e: Evaluation | null, metric: TestMetric): number | null {
  if (!e) return null;
  if (metric === 'loss') return e.loss;
  if (e.task === 'tabular-regression') return metric === 'mae' ? e.mae : metric === 'rmse' ? e.rmse : metric === 'r2' ? e.r2 : null;
  return metric === 'accuracy' ? e.accuracy : metric === 'macroF1' ? e.macroF1 : null;
}

function testRows(runs: readonly CompareRunData[]): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const metric of TEST_METRICS) {
    const values = runs.map((r) => testValue(r.evaluation, metric));
    if (values.every((v) => v === null)) continue;
    rows.push(row(`test/${metric}`, 'Test', `Test ${metricLabel(metric)}`, directionOf(metric), metric === 'accuracy' ? 'percent' : 'value', values));
  }
  const counts = runs.map((r) => r.evaluation?.rows ?? null);
  if (counts.some((v) => v !== null)) rows.push(row('test/rows', 'Test', 'Test rows', 'none', 'count', counts));
  return rows;
}

/** Validation values of one metric in step order (the last event of a step wins). */
function validationSeries(events: readonly MetricEvent[], metric: string): number[] {
  const byStep = new Map<number, number>();
  for (const e of events) if (e.split === 'validation' && e.name === metric && Number.isFinite(e.value)) byStep.set(e.step, e.value);
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

function validationRows(runs: readonly CompareRunData[]): MetricRow[] {
  const names = new Set<string>();
  for (const r of runs) for (const e of r.metrics) if (e.split === 'validation') names.add(e.name);
  const ordered = [...names].sort(byMetricOrder);
  const rows: MetricRow[] = [];
  for (const metric of ordered) {
    const direction = directionOf(metric);
    const series = runs.map((r) => validationSeries(r.metrics, metric));
    const best = series.map((s) => (s.length === 0 ? null : direction === 'higher' ? Math.max(...s) : Math.min(...s)));
    const final = series.map((s) => (s.length === 0 ? null : s[s.length - 1]));
    const format: MetricFormat = metric === 'accuracy' ? 'percent' : 'value';
    rows.push(row(`best/${metric}`, 'Validation', `Best validation ${metricLabel(metric)}`, direction, format, best));
    rows.push(row(`final/${metric}`, 'Validation', `Final validation ${metricLabel(metric)}`, direction, format, final));
  }
  return rows;
}

function perClassRows(runs: readonly CompareRunData[]): MetricRow[] {
  const labels: string[] = [];
  for (const r of runs) {
    const e = r.evaluation;
    if (e && e.task !== 'tabular-regression') for (const c of e.perClass) if (!labels.includes(c.label)) labels.push(c.label);
  }
  const rows: MetricRow[] = [];
  for (const label of labels) {
    for (const part of ['precision', 'recall', 'f1'] as const) {
      const values = runs.map((r) => {
        const e = r.evaluation;
        if (!e || e.task === 'tabular-regression') return null;
        return e.perClass.find((c) => c.label === label)?.[part] ?? null;
      });
      const name = part === 'f1' ? 'F1' : part;
      rows.push(row(`class/${label}/${part}`, 'Per class', `${label}: ${name}`, 'higher', 'value', values));
    }
  }
  return rows;
}

function costRows(runs: readonly CompareRunData[]): MetricRow[] {
  const rows = [
    row('cost/trainableParams', 'Cost', 'Trainable parameters', 'lower', 'count', runs.map((r) => r.run.model?.trainableParams ?? null)),
    row('cost/totalParams', 'Cost', 'Total parameters', 'none', 'count', runs.map((r) => r.run.model?.totalParams ?? null)),
    row('cost/trainingSeconds', 'Cost', 'Training time', 'lower', 'duration', runs.map((r) => (r.run.trainingSeconds > 0 ? r.run.trainingSeconds : null))),
    row('cost/examplesPerSecond', 'Cost', 'Examples/s', 'higher', 'rate', runs.map((r) => examplesPerSecond(r.metrics, r.run))),
    row('cost/modelBytes', 'Cost', 'Model size on disk', 'lower', 'bytes', runs.map((r) => r.bestCheckpointBytes)),
    row('cost/epochs', 'Cost', 'Epochs trained', 'none', 'count', runs.map((r) => r.run.progress?.epoch ?? null)),
  ];
  return rows.filter((r) => r.values.some((v) => v !== null));
}

/** Every row of the table, in display order: test, validation, per class, cost. */
export function buildMetricsTable(runs: readonly CompareRunData[]): MetricRow[] {
  return [...testRows(runs), ...validationRows(runs), ...perClassRows(runs), ...costRows(runs)];
}
