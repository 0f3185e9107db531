// Metric events → the dashboard's curves. Pure (no DOM): routes each series to its chart's
// aligned table, derives throughput and pace, and keeps the validation history.

import type { MetricColumns } from '../../src/protocol/dashboardProtocol';
import { AlignedTable } from './alignedTable';
import { PaceMeter } from './paceMeter';
import { ThroughputMeter } from './throughputMeter';

export type ChartId = 'loss' | 'metric' | 'learningRate' | 'throughput';

export const CHART_IDS: readonly ChartId[] = ['loss', 'metric', 'learningRate', 'throughput'];

const LABELS: Record<string, string> = {
  'train/loss': 'Training loss',
  'validation/loss': 'Validation loss',
  'train/learningRate': 'Learning rate',
  accuracy: 'Accuracy',
  macroF1: 'Macro-F1',
  mae: 'MAE',
  rmse: 'RMSE',
  r2: 'R²',
};

/** The label of a metric series as the dashboard shows it. */
export function seriesLabel(split: string, name: string): string {
  const exact = LABELS[`${split}/${name}`];
  if (exact) return exact;
  const known = LABELS[name];
  if (known) return split === 'validation' ? known : `${split === 'train' ? 'Training' : 'Test'} ${known}`;
  return `${split === 'train' ? 'Training' : split === 'validation' ? 'Validation' : 'Test'} ${name}`;
}

/** The chart a series belongs on; null: not drawn (test-split metrics belong to the evaluation). */
export function chartOf(split: string, name: string): ChartId | null {
  if (split === 'test') return null;
  if (name === 'loss') return 'loss';
  if (split === 'train' && name === 'learningRate') return 'learningRate';
  return 'metric';
}

export interface ValidationPoint {
  step: number;
  epoch: number;
  value: number;
}

/** Every curve of one run, fed with MetricColumns batches in file order. */
export class CurveStore {
  readonly charts: Record<ChartId, AlignedTable> = {
    loss: new AlignedTable(),
    metric: new AlignedTable(),
    learningRate: new AlignedTable(),
    throughput: new AlignedTable(),
  };
  /** Validation values by metric name, in step order (for early-stopping patience). */
  readonly validation = new Map<string, ValidationPoint[]>();
  /** Highest step seen. */
  lastStep = 0;
  /** Time (ms) of the newest event. */
  lastTime = 0;
  /** Seconds per step of the recent training (for the ETA). */
  readonly pace = new PaceMeter();
  private batchSize: number;
  private readonly meter = new ThroughputMeter();

  constructor(batchSize: number) {
    this.batchSize = Math.max(1, batchSize);
  }

  setBatchSize(batchSize: number): void {
    this.batchSize = Math.max(1, batchSize);
  }

  clear(): void {
    for (const id of CHART_IDS) this.charts[id].clear();
    this.validation.clear();
    this.lastStep = 0;
    this.lastTime = 0;
    this.meter.reset();
    this.pace.clear();
  }

  /** Adds a batch of events; returns the charts that changed. */
  ingest(batch: MetricColumns): Set<ChartId> {
    const changed = new Set<ChartId>();
    const columnIndex = new Map<string, number>();
    for (let i = 0; i < batch.seriesIndex.length; i++) {
      const { split, name } = batch.series[batch.seriesIndex[i]];
      const step = batch.step[i];
      const value = batch.value[i];
      const time = batch.time[i];
      const chart = chartOf(split, name);
      if (chart === null || !Number.isFinite(value)) continue;
      if (step < this.lastStep) this.rewind(step, changed);
      this.lastStep = Math.max(this.lastStep, step);
      if (time > this.lastTime) this.lastTime = time;
      const key = `${split}/${name}`;
      const table = this.charts[chart];
      let col = columnIndex.get(key);
      if (col === undefined) {
        col = table.column(key, seriesLabel(split, name), split === 'validation');
        columnIndex.set(key, col);
      }
      table.upsert(col, step, value);
      changed.add(chart);
      if (split === 'validation') {
        const closed = this.meter.flush(this.batchSize);
        if (closed) {
          const t = this.charts.throughput;
          t.upsert(t.column('throughput', 'Examples/s', false), closed.step, closed.value);
          changed.add('throughput');
        }
        this.addValidation(name, { step, epoch: batch.epoch[i], value });
      } else if (split === 'train' && name === 'loss') {
        this.pace.add(step, time);
        const rate = this.meter.onStep(step, time, this.batchSize);
        if (rate !== null) {
          const t = this.charts.throughput;
          t.upsert(t.column('throughput', 'Examples/s', false), step, rate);
          changed.add('throughput');
        }
      }
    }
    return changed;
  }

  /** The newest throughput measured from the metric times, or null. */
  lastThroughput(): number | null {
    return this.charts.throughput.last(0)?.value ?? null;
  }

  private rewind(step: number, changed: Set<ChartId>): void {
    for (const id of CHART_IDS) {
      const before = this.charts[id].version;
      this.charts[id].truncateFrom(step);
      if (this.charts[id].version !== before) changed.add(id);
    }
    for (const points of this.validation.values()) {
      while (points.length > 0 && points[points.length - 1].step >= step) points.pop();
    }
    this.lastStep = step;
    this.meter.reset();
    this.pace.clear();
  }

  private addValidation(name: string, point: ValidationPoint): void {
    let points = this.validation.get(name);
    if (!points) {
      points = [];
      this.validation.set(name, points);
    }
    const last = points[points.length - 1];
    if (last && last.step === point.step) points[points.length - 1] = point;
    else points.push(point);
  }
}
