// Inspects a dataset file: columns, label, task, problems at their lines, fingerprint.
// Streaming, bounded memory: safe on files of gigabytes.

import type { DatasetInspection } from '../../protocol/datasetTypes';
import { analyzeDataset } from './analyzeDataset';
import type { DatasetOptions } from './datasetOptions';

export async function inspectDataset(path: string, options: DatasetOptions = {}): Promise<DatasetInspection> {
  return (await analyzeDataset(path, options, false)).inspection;
}
