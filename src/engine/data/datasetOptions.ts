// Options and results of reading a dataset file.

import type { DatasetInspection } from '../../protocol/datasetTypes';
import type { Example } from './example';

export interface DatasetOptions {
  /** The label column; inferred when absent or null. */
  label?: string | null;
  /** The input text column; inferred when absent or null. */
  text?: string | null;
  /** CSV/JSONL image datasets: the column of image paths; inferred when absent or null. */
  image?: string | null;
  /** Most problems kept in `DatasetInspection.problems` (counts stay complete). Default 200. */
  maxProblems?: number;
}

export interface LoadedDataset {
  inspection: DatasetInspection;
  /** The usable records, in file order. */
  examples: Example[];
  /** Input columns of tabular tasks (image tasks: the image-path column); empty for text tasks, whose input is `inspection.text`. */
  features: string[];
}

export const DEFAULT_MAX_PROBLEMS = 200;
/** Distinct values kept per column while streaming (see `ColumnInfo.distinct`). */
export const DISTINCT_CAP = 1000;
