// An aligned table → the arrays a chart draws: x in steps or epochs, and min/max decimation
// when there are more rows than a chart can show (the shape, spikes included, is kept).

import type { DashboardAxis } from '../../src/protocol/dashboardProtocol';
import type { AlignedTable } from './alignedTable';

export interface PlotData {
  x: number[];
  series: (number | null)[][];
}

export interface PlotOptions {
  axis: DashboardAxis;
  /** Steps per epoch, for the epoch axis; null: unknown (the x stays in steps). */
  stepsPerEpoch: number | null;
  /** Most rows drawn; more are decimated. */
  maxRows: number;
}

/**
 * Rows kept when decimating to about `maxRows`: per bucket of consecutive rows, the first and
 * last and, for every column, the rows of its minimum and maximum. Returns null to keep all.
 */
export function decimatedRows(table: AlignedTable, maxRows: number): number[] | null {
  const n = table.x.length;
  if (n <= maxRows) return null;
  const perBucket = 2 + 2 * table.columns.length;
  const buckets = Math.max(1, Math.floor(maxRows / perBucket));
  const size = Math.ceil(n / buckets);
  const rows: number[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    const picked = new Set<number>([start, end - 1]);
    for (const column of table.columns) {
      let min = -1;
      let max = -1;
      for (let r = start; r < end; r++) {
        const v = column.values[r];
        if (v === null) continue;
        if (min < 0 || v < (column.values[min] as number)) min = r;
        if (max < 0 || v > (column.values[max] as number)) max = r;
      }
      if (min >= 0) picked.add(min);
      if (max >= 0) picked.add(max);
    }
    rows.push(...[...picked].sort((a, b) => a - b));
  }
  return rows;
}

export function toPlotData(table: AlignedTable, options: PlotOptions): PlotData {
  const rows = decimatedRows(table, options.maxRows);
  const divisor = options.axis === 'epoch' && options.stepsPerEpoch !== null && options.stepsPerEpoch > 0 ? options.stepsPerEpoch : 1;
  const pick = <T>(values: readonly T[]): T[] => (rows === null ? values.slice() : rows.map((r) => values[r]));
  const x = pick(table.x);
  if (divisor !== 1) for (let i = 0; i < x.length; i++) x[i] /= divisor;
  return { x, series: table.columns.map((c) => pick(c.values)) };
}

/** An x of the table (a step) on the chart's axis. */
export function stepToAxis(step: number, options: Pick<PlotOptions, 'axis' | 'stepsPerEpoch'>): number {
  return options.axis === 'epoch' && options.stepsPerEpoch !== null && options.stepsPerEpoch > 0 ? step / options.stepsPerEpoch : step;
}
