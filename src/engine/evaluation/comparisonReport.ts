// A Markdown comparison of several runs: the runs, the metrics side by side (best in bold), per-class
// F1, the configuration differences, and the learning curves overlaid as SVG pictures. Written by
// `finetune compare` and by the comparison panel's "Save Comparison". Pure: the caller writes files.

import type { Evaluation, MetricEvent, RunRecord } from '../../protocol/runTypes';
import { renderOverlaidCurves, runLabels } from '../charts/runCurves';
import { comparisonMetricRows, type MetricRow } from './comparisonMetrics';
import { diffSettings } from './configRows';
import { code, formatCount, formatDuration, formatNumber, image, table } from './markdown';

export interface ComparisonInput {
  run: RunRecord;
  /** evaluation.json of the run (or a named evaluation); null when it has none. */
  evaluation: Evaluation | null;
  /** metrics.jsonl of the run. */
  metrics: readonly MetricEvent[];
}

export interface ComparisonReportOptions {
  /** Show only the settings that differ between runs (the panel's default). */
  onlyDifferences: boolean;
  /**
   * File name stem of the pictures, e.g. 'comparison' gives 'comparison-validation-loss.svg'; the
   * Markdown links them as files beside it. null: no pictures. Default 'comparison'.
   */
  imageBase?: string | null;
  /** Default "Comparison of N runs". */
  title?: string;
  /** Shown under the title when given (e.g. an ISO time); left out otherwise so output is reproducible. */
  generatedAt?: string;
}

export interface ComparisonReport {
  markdown: string;
  /** Picture file name (relative to the Markdown file) → SVG text. Write each beside the Markdown. */
  svgs: Record<string, string>;
}

function bold(text: string, on: boolean): string {
  return on ? `**${text}**` : text;
}

function formatValue(value: number | null, format: MetricRow['format']): string {
  if (value === null) return '—';
  if (format === 'count') return formatCount(value);
  if (format === 'seconds') return formatDuration(value);
  return formatNumber(value);
}

function runsSection(inputs: readonly ComparisonInput[]): string[] {
  const names = runLabels(inputs.map((i) => i.run));
  return [
    '## Runs',
    '',
    table(
      ['', 'Run', 'Id', 'Technique', 'Status', 'Dataset'],
      inputs.map(({ run }, i) => [
        String(i + 1),
        names[i],
        code(run.id),
        run.config.technique,
        run.status,
        run.dataset?.path.split(/[\\/]/).pop() ?? run.config.datasetPath,
      ]),
      ['r'],
    ),
  ];
}

/** A note when the runs' test rows differ (dataset, split fractions or seed): their test metrics do not compare directly. */
export function testRowsNote(runs: readonly RunRecord[]): string | null {
  const keys = new Set(
    runs.map((r) => `${r.dataset?.fingerprint ?? r.config.datasetPath}|${r.config.split.validation}|${r.config.split.test}|${r.config.seed}`),
  );
  if (keys.size <= 1) return null;
  return '> These runs were not evaluated on the same test rows (their dataset file, split or seed differ), so their test metrics do not compare exactly.';
}

function metricsSection(inputs: readonly ComparisonInput[], labels: readonly string[]): string[] {
  const rows = comparisonMetricRows(inputs);
  const lines = ['## Metrics', '', 'The best value of each row is in **bold**.', ''];
  const note = testRowsNote(inputs.map((i) => i.run));
  if (note) lines.push(note, '');
  lines.push(
    table(
      ['Metric', ...labels],
      rows.map((row) => [row.label, ...row.values.map((v, i) => bold(formatValue(v, row.format), row.best.includes(i)))]),
      ['l', ...labels.map((): 'r' => 'r')],
    ),
  );
  return lines;
}

function perClassSection(inputs: readonly ComparisonInput[], labels: readonly string[]): string[] {
  const evaluations = inputs.map((i) => i.evaluation);
  const first = evaluations[0];
  if (!first || first.task === 'tabular-regression') return [];
  const classes = first.perClass.map((c) => c.label);
  const same = evaluations.every(
    (e) => e !== null && e.task !== 'tabular-regression' && e.perClass.map((c) => c.label).join('\u0000') === classes.join('\u0000'),
  );
  if (!same || classes.length === 0) return [];
  const rows = classes.map((label, k) => {
    const values = evaluations.map((e) => (e && e.task !== 'tabular-regression' ? e.perClass[k].f1 : null));
    const present = values.filter((v): v is number => v !== null);
    const top = Math.max(...present);
    const highlight = present.length > 1 && !present.every((v) => v === present[0]);
    return [label, ...values.map((v) => bold(formatNumber(v), highlight && v === top))];
  });
  return ['### F1 by class', '', table(['Class', ...labels], rows, ['l', ...labels.map((): 'r' => 'r')])];
}

function configSection(runs: readonly RunRecord[], labels: readonly string[], onlyDifferences: boolean): string[] {
  const diff = diffSettings(runs, onlyDifferences);
  const lines = [onlyDifferences ? '## Configuration differences' : '## Configuration', ''];
  if (diff.rows.length === 0) {
    lines.push(onlyDifferences ? 'Every setting is the same in all runs.' : 'No settings recorded.');
    return lines;
  }
  lines.push(table(['Setting', ...labels], diff.rows.map((row) => [code(row.key), ...row.values.map((v) => bold(v, !onlyDifferences && row.differs))])));
  if (diff.hiddenSame > 0) lines.push('', `${diff.hiddenSame} other settings are the same in every run.`);
  else if (!onlyDifferences) lines.push('', 'Settings that differ are in **bold**.');
  return lines;
}

/** The comparison as Markdown plus its pictures (see ComparisonReport). Needs at least one run. */
export function renderComparisonReport(runs: readonly ComparisonInput[], options: ComparisonReportOptions): ComparisonReport {
  if (runs.length === 0) throw new Error('A comparison needs at least one run.');
  const labels = runLabels(runs.map((r) => r.run)).map((label, i) => `${i + 1}. ${label}`);
  const title = options.title ?? `Comparison of ${runs.length} run${runs.length > 1 ? 's' : ''}`;
  const head = [`# ${title}`];
  if (options.generatedAt) head.push('', `Generated ${options.generatedAt}.`);
  const sections: string[][] = [head, runsSection(runs), metricsSection(runs, labels)];
  const perClass = perClassSection(runs, labels);
  if (perClass.length > 0) sections.push(perClass);
  sections.push(configSection(runs.map((r) => r.run), labels, options.onlyDifferences));
  const svgs: Record<string, string> = {};
  const imageBase = options.imageBase === undefined ? 'comparison' : options.imageBase;
  if (imageBase !== null) {
    const charts = renderOverlaidCurves(runs.map((r) => ({ run: r.run, metrics: r.metrics })), labels);
    const lines = ['## Learning curves', ''];
    if (charts.length === 0) lines.push('No training metrics were recorded.');
    for (const chart of charts) {
      const file = `${imageBase}-${chart.key}.svg`;
      svgs[file] = chart.svg;
      lines.push(image(chart.title, file), '');
    }
    sections.push(lines);
  }
  return { markdown: `${sections.map((lines) => lines.join('\n').trimEnd()).join('\n\n')}\n`, svgs };
}
