// Loads the usable records of a dataset, after the same checks as inspection.

import { analyzeDataset } from './analyzeDataset';
import { DatasetError } from './datasetError';
import type { DatasetOptions, LoadedDataset } from './datasetOptions';

/** Throws a DatasetError when there is no label column or no usable row. */
export async function loadDataset(path: string, options: DatasetOptions = {}): Promise<LoadedDataset> {
  const loaded = await analyzeDataset(path, options, true);
  const { inspection } = loaded;
  const noRows = inspection.problems.find((p) => p.kind === 'no-usable-rows');
  if (noRows !== undefined || loaded.examples.length === 0) {
    throw new DatasetError(
      'The dataset has no usable rows',
      path,
      noRows?.message ?? 'Fix the problems listed at their lines.',
    );
  }
  if (inspection.label === null) {
    const names = inspection.columns.map((c) => `"${c.name}"`).join(', ');
    throw new DatasetError(
      `No column can serve as the label: ${inspection.labelReason}`,
      path,
      `Choose the label column explicitly among ${names}.`,
    );
  }
  return loaded;
}
