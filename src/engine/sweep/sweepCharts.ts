// The trade-off charts of a sweep as SVG scatter plots: the test metric against trainable
// parameters (log scale) and against training time, one colour per technique.

import type { TechniqueName } from '../../protocol/configTypes';
import type { SweepRecord } from '../../protocol/sweepTypes';
import { renderLineChart, type ChartSeries } from '../charts/lineChart';
import { paletteColor } from '../charts/svgText';
import { settingsText } from './sweepPlan';
import { ALL_TECHNIQUES } from './sweepParams';

export interface SweepCharts {
  /** Test metric against trainable parameters. */
  params: string;
  /** Test metric against training seconds. */
  time: string;
}

function series(record: SweepRecord, cost: 'trainableParams' | 'trainingSeconds'): ChartSeries[] {
  const techniques = ALL_TECHNIQUES.filter((t) => record.runs.some((r) => r.technique === t));
  return techniques.map((technique: TechniqueName) => {
    const runs = record.runs.filter((r) => r.technique === technique && r.metric !== null && r[cost] !== null);
    return {
      name: technique,
      style: 'points',
      color: paletteColor(ALL_TECHNIQUES.indexOf(technique)),
      points: runs.map((r) => [r[cost] ?? 0, r.metric ?? 0] as const),
      pointLabels: runs.map((r) => settingsText(r.settings, record.axes)),
    };
  });
}

export function renderSweepCharts(record: SweepRecord): SweepCharts {
  const yLabel = `test ${record.metric.name}`;
  return {
    params: renderLineChart({
      title: `Test ${record.metric.name} against trainable parameters`,
      xLabel: 'trainable parameters',
      yLabel,
      series: series(record, 'trainableParams'),
      logX: true,
    }),
    time: renderLineChart({
      title: `Test ${record.metric.name} against training time`,
      xLabel: 'training time (s)',
      yLabel,
      series: series(record, 'trainingSeconds'),
      xFromZero: true,
    }),
  };
}
