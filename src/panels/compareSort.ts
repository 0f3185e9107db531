// Orders the run columns by one row of the metrics table: best first (or last) for rows with a
// direction, largest first (or last) for the others; runs without a value always last; ties keep
// the order the runs were added in. Pure.

import type { MetricRow, TableSort } from '../protocol/comparePanelProtocol';

/** The column order (indices into the row's values) a sort gives. */
export function sortedColumns(row: MetricRow, sort: TableSort): number[] {
  const descending = row.direction === 'lower' ? !sort.bestFirst : sort.bestFirst;
  const indices = row.values.map((_, i) => i);
  return indices.sort((a, b) => {
    const va = row.values[a];
    const vb = row.values[b];
    if (va === null && vb === null) return a - b;
    if (va === null) return 1;
    if (vb === null) return -1;
    if (va !== vb) return descending ? vb - va : va - vb;
    return a - b;
  });
}

/** The column order for a sort over these rows; the identity when the sort's row is not among them. */
export function columnOrder(rows: readonly MetricRow[], sort: TableSort | null, count: number): number[] {
  const row = sort ? rows.find((r) => r.key === sort.row) : undefined;
  if (!sort || !row) return Array.from({ length: count }, (_, i) => i);
  return sortedColumns(row, sort);
}
