// Text tables for evaluations and run lists.

import type { Evaluation, RunRecord } from '../protocol/runTypes';

export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

/** Headline metrics of evaluations side by side, one column per evaluation. */
export function formatEvaluations(columns: { title: string; evaluation: Evaluation }[]): string {
  const names = columns[0].evaluation.task === 'tabular-regression' ? ['loss', 'mae', 'rmse', 'r2'] : ['loss', 'accuracy', 'macroF1'];
  const value = (e: Evaluation, name: string): string => {
    const v = (e as unknown as Record<string, unknown>)[name];
    return typeof v === 'number' ? v.toFixed(4) : '-';
  };
  const rows = [['metric', ...columns.map((c) => c.title)], ...names.map((n) => [n, ...columns.map((c) => value(c.evaluation, n))])];
  rows.push(['test rows', ...columns.map((c) => String(c.evaluation.rows))]);
  return formatTable(rows);
}

export function formatEvaluationDetail(e: Evaluation): string {
  if (e.task === 'tabular-regression') return formatEvaluations([{ title: 'test', evaluation: e }]);
  const perClass = formatTable([
    ['class', 'precision', 'recall', 'f1', 'support'],
    ...e.perClass.map((c) => [c.label, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), String(c.support)]),
  ]);
  const confusion = formatTable([
    ['true \\ predicted', ...e.confusion.labels],
    ...e.confusion.matrix.map((row, i) => [e.confusion.labels[i], ...row.map(String)]),
  ]);
  return `${formatEvaluations([{ title: 'test', evaluation: e }])}\n\n${perClass}\n\n${confusion}`;
}

export function formatRuns(runs: RunRecord[]): string {
  if (runs.length === 0) return 'No runs yet. Start one with `finetune train <dataset>`.';
  return formatTable([
    ['id', 'status', 'technique', 'model', 'best', 'dataset'],
    ...runs.map((r) => [
      r.id,
      r.status,
      r.config.technique,
      r.config.model,
      r.best && Number.isFinite(r.best.value) ? `${r.best.metric} ${r.best.value.toFixed(4)}` : '-',
      r.config.datasetPath,
    ]),
  ]);
}
