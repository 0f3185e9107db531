// The sentence that explains why a dataset has no usable rows.

import type { ProblemKind } from '../../protocol/datasetTypes';

export function noUsableRowsMessage(
  bytes: number,
  hasHeader: boolean,
  rows: number,
  skipped: number,
  counts: Partial<Record<ProblemKind, number>>,
): string {
  if (bytes === 0) return 'The file is empty. Add one record per line, with a label column.';
  if (rows === 0 && hasHeader) return 'The file has a header but no data rows. Add data rows below the header.';
  if (rows === 0) return 'The file holds no records. Add one record per line, with a label column.';
  const causes = (Object.entries(counts) as [ProblemKind, number][])
    .filter(([kind]) => kind !== 'no-usable-rows')
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  return `None of the ${rows} rows can be used: ${skipped} were skipped because of errors (${causes}). Fix the problems listed at their lines, or choose another label column.`;
}
