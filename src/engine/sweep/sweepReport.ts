// The sweep's trade-off table (for the terminal and for Markdown) and its Markdown report.

import type { SweepRecord, SweepRunEntry } from '../../protocol/sweepTypes';
import { code, formatCount, formatDuration, formatNumber, image, table } from '../evaluation/markdown';
import { sweepParamSpec } from './sweepParams';

export interface TradeOffTable {
  headers: string[];
  rows: string[][];
  /** 'r' for number columns. */
  align: ('l' | 'r')[];
}

/** Pictures of the report, as file names beside the Markdown. */
export interface SweepPictures {
  params?: string;
  time?: string;
}

/** Metric values with four decimals, so a column lines up (1 → 1.0000). */
function formatMetric(value: number): string {
  return Number.isFinite(value) && Math.abs(value) < 1e5 && Math.abs(value) >= 1e-3 ? value.toFixed(4) : formatNumber(value);
}

/** Seconds with two decimals below ten (sweeps of small runs differ by fractions of a second). */
function formatSeconds(seconds: number): string {
  return seconds < 10 ? `${seconds.toFixed(2)}s` : formatDuration(seconds);
}

function frontMarks(entry: SweepRunEntry): string {
  return [entry.paretoParams ? 'params' : '', entry.paretoTime ? 'time' : ''].filter(Boolean).join(', ');
}

/** The runs in ranked order: rank, run, technique, grid values, metric, trainable parameters, time, Pareto front. */
export function tradeOffTable(record: SweepRecord, options: { runIds?: boolean } = {}): TradeOffTable {
  const axisHeaders = record.axes.map((axis) => axis.param);
  const headers = ['#', ...(options.runIds ? ['run'] : []), 'technique', ...axisHeaders, `test ${record.metric.name}`, 'trainable params', 'training time', 'best for its cost'];
  const rows = record.runs.map((entry) => [
    entry.rank === null ? '-' : String(entry.rank),
    ...(options.runIds ? [entry.runId] : []),
    entry.technique,
    ...record.axes.map((axis) => (entry.settings[axis.param] === undefined ? '·' : String(entry.settings[axis.param]))),
    entry.metric === null ? entry.status : formatMetric(entry.metric),
    entry.trainableParams === null ? '-' : formatCount(entry.trainableParams),
    entry.trainingSeconds === null ? '-' : formatSeconds(entry.trainingSeconds),
    frontMarks(entry),
  ]);
  const align: ('l' | 'r')[] = headers.map((h) => (['#', 'trainable params', 'training time', `test ${record.metric.name}`].includes(h) ? 'r' : 'l'));
  return { headers, rows, align };
}

function describeGrid(record: SweepRecord): string {
  if (record.axes.length === 0) return 'no grid';
  return record.axes.map((axis) => `${sweepParamSpec(axis.param).label} ∈ {${axis.values.join(', ')}}`).join(' × ');
}

function sortedBy(record: SweepRecord, key: 'trainableParams' | 'trainingSeconds'): SweepRunEntry[] {
  return record.runs.filter((r) => r[key] !== null && r.metric !== null).sort((a, b) => (a[key] ?? 0) - (b[key] ?? 0));
}

function costTable(record: SweepRecord, key: 'trainableParams' | 'trainingSeconds'): string {
  const runs = sortedBy(record, key);
  const show = (e: SweepRunEntry): string => (key === 'trainableParams' ? formatCount(e.trainableParams ?? 0) : formatSeconds(e.trainingSeconds ?? 0));
  const front = (e: SweepRunEntry): boolean => (key === 'trainableParams' ? e.paretoParams : e.paretoTime);
  return table(
    [key === 'trainableParams' ? 'Trainable parameters' : 'Training time', 'Run', `Test ${record.metric.name}`, 'On the front'],
    runs.map((e) => [show(e), e.name, e.metric === null ? '—' : formatMetric(e.metric), front(e) ? 'yes' : '']),
    ['r', 'l', 'r', 'l'],
  );
}

/** `<sweepId>.md`. */
export function renderSweepReport(record: SweepRecord, pictures: SweepPictures = {}): string {
  const direction = record.metric.mode === 'max' ? 'higher is better' : 'lower is better';
  const done = record.runs.filter((r) => r.status === 'completed').length;
  const lines = [
    `# Technique sweep ${record.id}`,
    '',
    `Dataset ${code(record.datasetPath)}, base model ${code(record.model)}, seed ${record.seed}, ` +
      `split validation ${record.split.validation} / test ${record.split.test} (the same rows for every run).`,
    '',
    `Techniques: ${record.techniques.join(', ')}; grid: ${describeGrid(record)}. ` +
      `${done} of ${record.plannedRuns} planned runs completed. Status: **${record.status}**${record.statusReason ? ` (${record.statusReason})` : ''}.`,
    '',
    `## Trade-off`,
    '',
    `Runs ranked by test ${record.metric.name} (${direction}). "Best for its cost": no other run is at least as good ` +
      'with fewer trainable parameters (params) or in less training time (time).',
    '',
  ];
  const main = tradeOffTable(record, { runIds: true });
  lines.push(table(main.headers, main.rows.map((row) => row.map((cell, i) => (main.headers[i] === 'run' ? code(cell) : cell))), main.align));
  if (record.runs.some((r) => r.metric !== null)) {
    lines.push('', `### Test ${record.metric.name} against trainable parameters`, '');
    if (pictures.params) lines.push(image(`Test ${record.metric.name} against trainable parameters`, pictures.params), '');
    lines.push(costTable(record, 'trainableParams'));
    lines.push('', `### Test ${record.metric.name} against training time`, '');
    if (pictures.time) lines.push(image(`Test ${record.metric.name} against training time`, pictures.time), '');
    lines.push(costTable(record, 'trainingSeconds'));
  }
  const failed = record.runs.filter((r) => r.status !== 'completed');
  if (failed.length > 0) {
    lines.push('', '## Runs without a result', '', ...failed.map((r) => `- ${code(r.runId)} ${r.name}: ${r.status}`));
  }
  return `${lines.join('\n')}\n`;
}
