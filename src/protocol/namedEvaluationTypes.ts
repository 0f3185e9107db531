// A named evaluation: a checkpoint of a run evaluated on another dataset file with the same
// columns, stored as `<run>/evaluations/<name>.json` beside `<name>.predictions.jsonl`.
// This file imports only other protocol files.

import type { Evaluation } from './runTypes';

/** Bumped whenever a stored named evaluation changes shape incompatibly. */
export const NAMED_EVALUATION_SCHEMA_VERSION = 1;

export interface EvaluatedDataset {
  /** Absolute path of the file evaluated on. */
  path: string;
  /** sha256 of the file bytes when it was evaluated ('' when unknown, e.g. a file from an older version). */
  fingerprint: string;
  /** Rows evaluated. */
  rows: number;
  /** Rows of the file skipped because of an error-severity problem. */
  skippedRows: number;
}

/** `<run>/evaluations/<name>.json` */
export interface NamedEvaluation {
  schemaVersion: number;
  /** The file name without `.json`: letters, digits, '.', '_' and '-'. */
  name: string;
  runId: string;
  /** The checkpoint folder evaluated (e.g. 'best', 'last', 'epoch-3'). */
  checkpoint: string;
  dataset: EvaluatedDataset;
  /** ISO time of the evaluation. */
  createdAt: string;
  evaluation: Evaluation;
}

/** One entry of a run's list of named evaluations (without the metrics). */
export interface NamedEvaluationInfo {
  name: string;
  checkpoint: string;
  datasetPath: string;
  createdAt: string;
  /** True when `<name>.predictions.jsonl` exists beside it. */
  hasPredictions: boolean;
}
