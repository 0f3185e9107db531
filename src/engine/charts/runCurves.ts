// The learning curves of runs as SVG charts: one run's training and validation loss by step (for
// report.md), and several runs overlaid by epoch (for comparison reports).

import type { MetricEvent, RunRecord } from '../../protocol/runTypes';
import { pickValidationMetric, summarizeEpochs } from '../evaluation/epochSummary';
import { renderLineChart, type ChartPoint, type ChartSeries } from './lineChart';
import { paletteColor } from './svgText';

/** The last value logged at each step of one split's metric, by step (a resumed run re-logs steps). */
export function seriesByStep(metrics: readonly MetricEvent[], split: MetricEvent['split'], name: string): ChartPoint[] {
  const byStep = new Map<number, number>();
  for (const e of metrics) if (e.split === split && e.name === name) byStep.set(e.step, e.value);
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]);
}

/** The last value of a split's metric in each epoch, at x = epoch number counted from 1. */
export function seriesByEpoch(metrics: readonly MetricEvent[], split: 'train' | 'validation', name: string): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const row of summarizeEpochs(metrics)) {
    const value = row[split][name];
    if (value !== undefined) points.push([row.epoch + 1, value]);
  }
  return points;
}

/** curves.svg of report.md: training loss (each step) and validation loss; null without metrics. */
export function renderRunCurves(run: RunRecord, metrics: readonly MetricEvent[]): string | null {
  const train = seriesByStep(metrics, 'train', 'loss');
  const validation = seriesByStep(metrics, 'validation', 'loss');
  if (train.length === 0 && validation.length === 0) return null;
  const series: ChartSeries[] = [];
  if (train.length > 0) series.push({ name: 'training loss', points: train, color: paletteColor(0), opacity: 0.8 });
  if (validation.length > 0) series.push({ name: 'validation loss', points: validation, color: paletteColor(1) });
  return renderLineChart({ title: `Learning curves: ${run.name}`, xLabel: 'step', yLabel: 'loss', series });
}

export interface CurveRun {
  run: RunRecord;
  metrics: readonly MetricEvent[];
}

export interface OverlaidChart {
  /** A short key: 'validation-loss', 'train-loss', 'validation-accuracy'. */
  key: string;
  title: string;
  svg: string;
}

/** A legend name per run: its name, with the id's end when names repeat. */
export function runLabels(runs: readonly RunRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.name, (counts.get(run.name) ?? 0) + 1);
  return runs.map((run) => ((counts.get(run.name) ?? 0) > 1 ? `${run.name} (${run.id.slice(-4)})` : run.name));
}

function overlaid(runs: readonly CurveRun[], labels: readonly string[], split: 'train' | 'validation', metric: string, title: string): OverlaidChart | null {
  const series = runs.map((r, i) => ({ name: labels[i], points: seriesByEpoch(r.metrics, split, metric), color: paletteColor(i) }));
  if (series.every((s) => s.points.length === 0)) return null;
  return {
    key: `${split}-${metric}`,
    title,
    svg: renderLineChart({ title, xLabel: 'epoch', yLabel: metric, series }),
  };
}

/** Validation loss, training loss and the main validation metric of several runs, aligned by epoch; `labels` name the runs in the legend. */
export function renderOverlaidCurves(runs: readonly CurveRun[], labels: readonly string[] = runLabels(runs.map((r) => r.run))): OverlaidChart[] {
  const metric = pickValidationMetric(
    runs.flatMap((r) => summarizeEpochs(r.metrics)),
    runs[0]?.run.config.earlyStopping.metric ?? null,
  );
  const charts = [
    overlaid(runs, labels, 'validation', 'loss', 'Validation loss by epoch'),
    overlaid(runs, labels, 'train', 'loss', 'Training loss by epoch'),
    metric ? overlaid(runs, labels, 'validation', metric, `Validation ${metric} by epoch`) : null,
  ];
  return charts.filter((c): c is OverlaidChart => c !== null);
}
