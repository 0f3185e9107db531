// Overlaid curves: the series of one metric from several runs placed on one x axis (global step,
// or epochs = step / steps per epoch, so runs with other batch sizes line up), smoothed by an
// exponential moving average, and merged into uPlot's aligned table (one x column, one column per
// run, null where a run has no point). Pure.

import type { CurveAxis, CurveSeries } from '../../src/protocol/comparePanelProtocol';

export interface RunCurveInput {
  /** The run's series of the chosen metric; null when the run has none. */
  series: CurveSeries | null;
  stepsPerEpoch: number | null;
}

export interface AlignOptions {
  axis: CurveAxis;
  /** EMA weight in [0, 1): 0 leaves the values as they are. */
  smoothing: number;
  /** Values <= 0 cannot be drawn on a log scale: they become null. */
  logScale: boolean;
}

export interface AlignedCurves {
  x: number[];
  /** One column per run, aligned with `x`. */
  series: (number | null)[][];
  /** Runs whose points could not be placed (epoch axis without steps per epoch). */
  unplaced: number[];
}

/**
 * Exponential moving average with the start-up bias removed (as TensorBoard smooths): the first
 * points are not pulled towards 0.
 */
export function ema(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  const out: number[] = [];
  let last = 0;
  let debias = 1;
  for (const v of values) {
    last = last * weight + (1 - weight) * v;
    debias *= weight;
    out.push(last / (1 - debias));
  }
  return out;
}

/** Where a step lies on the axis; null on the epoch axis when steps per epoch are unknown. */
export function toAxis(step: number, axis: CurveAxis, stepsPerEpoch: number | null): number | null {
  if (axis === 'step') return step;
  return stepsPerEpoch !== null && stepsPerEpoch > 0 ? step / stepsPerEpoch : null;
}

export function alignCurves(runs: readonly RunCurveInput[], options: AlignOptions): AlignedCurves {
  const unplaced: number[] = [];
  const points = runs.map((run, r) => {
    const s = run.series;
    if (!s || s.step.length === 0) return new Map<number, number>();
    if (options.axis === 'epoch' && toAxis(0, 'epoch', run.stepsPerEpoch) === null) {
      unplaced.push(r);
      return new Map<number, number>();
    }
    const values = ema(s.value, options.smoothing);
    const map = new Map<number, number>();
    s.step.forEach((step, i) => {
      const x = toAxis(step, options.axis, run.stepsPerEpoch);
      const v = values[i];
      if (x === null || !Number.isFinite(v)) return;
      map.set(x, options.logScale && v <= 0 ? Number.NaN : v);
    });
    return map;
  });
  const xs = new Set<number>();
  for (const map of points) for (const x of map.keys()) xs.add(x);
  const x = [...xs].sort((a, b) => a - b);
  const series = points.map((map) =>
    x.map((xi) => {
      const v = map.get(xi);
      return v === undefined || Number.isNaN(v) ? null : v;
    }),
  );
  return { x, series, unplaced };
}

/**
 * The value of a column at row `index` for the legend under the cursor: the nearer of the points
 * around it; null outside the column's own range (a shorter run has no value there).
 */
export function nearestValue(column: readonly (number | null)[], index: number): number | null {
  if (index < 0 || index >= column.length) return null;
  const here = column[index];
  if (here !== null) return here;
  let before = index - 1;
  while (before >= 0 && column[before] === null) before--;
  let after = index + 1;
  while (after < column.length && column[after] === null) after++;
  if (before < 0 || after >= column.length) return null;
  return index - before <= after - index ? column[before] : column[after];
}

/** The last value of a column, or null. */
export function lastValue(column: readonly (number | null)[]): number | null {
  for (let i = column.length - 1; i >= 0; i--) {
    const v = column[i];
    if (v !== null) return v;
  }
  return null;
}
