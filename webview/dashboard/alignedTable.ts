// An aligned table: one x column (global steps, sorted) and one column per series, null where a
// series has no point; grown in place, so 100,000 steps cost one push per event, never a rebuild.

export interface SeriesColumn {
  /** `split/name`, or 'throughput'. */
  key: string;
  label: string;
  /** Few points (validations): drawn with markers. */
  sparse: boolean;
  values: (number | null)[];
}

/** Rows sorted by x (the global step); a row per distinct step. */
export class AlignedTable {
  readonly x: number[] = [];
  readonly columns: SeriesColumn[] = [];
  /** Bumped on every change, so a chart redraws only when its table changed. */
  version = 0;

  /** The index of the column `key`, added (all null) when new. */
  column(key: string, label: string, sparse: boolean): number {
    const found = this.columns.findIndex((c) => c.key === key);
    if (found >= 0) return found;
    this.columns.push({ key, label, sparse, values: new Array<number | null>(this.x.length).fill(null) });
    this.version++;
    return this.columns.length - 1;
  }

  /** Sets the value of column `col` at `x`, adding a row when x is new (in order; usually at the end). */
  upsert(col: number, x: number, value: number): void {
    const n = this.x.length;
    let row: number;
    if (n === 0 || x > this.x[n - 1]) {
      row = n;
      this.insertRow(row, x);
    } else if (x === this.x[n - 1]) {
      row = n - 1;
    } else {
      row = lowerBound(this.x, x);
      if (this.x[row] !== x) this.insertRow(row, x);
    }
    this.columns[col].values[row] = value;
    this.version++;
  }

  /** Drops the rows with x >= `x` (a run resumed from an earlier checkpoint logs them again). */
  truncateFrom(x: number): void {
    const row = lowerBound(this.x, x);
    if (row >= this.x.length) return;
    this.x.length = row;
    for (const c of this.columns) c.values.length = row;
    this.version++;
  }

  clear(): void {
    this.x.length = 0;
    this.columns.length = 0;
    this.version++;
  }

  /** The last non-null value of a column and its x. */
  last(col: number): { x: number; value: number } | null {
    const values = this.columns[col]?.values;
    if (!values) return null;
    for (let i = values.length - 1; i >= 0; i--) {
      const v = values[i];
      if (v !== null) return { x: this.x[i], value: v };
    }
    return null;
  }

  private insertRow(row: number, x: number): void {
    if (row === this.x.length) {
      this.x.push(x);
      for (const c of this.columns) c.values.push(null);
    } else {
      this.x.splice(row, 0, x);
      for (const c of this.columns) c.values.splice(row, 0, null);
    }
  }
}

/** First index whose value is >= x (sorted ascending). */
export function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
