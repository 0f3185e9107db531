// The run store's records (run.json, metrics.jsonl, evaluation.json, predictions.jsonl).
// The run folder on disk is the contract between worker, extension, CLI and webviews.
// This file imports only other protocol files.

import type { BackendName, TrainConfig } from './configTypes';
import type { SplitName, TaskKind } from './datasetTypes';

/** Bumped whenever a stored record changes shape incompatibly. */
export const RUN_SCHEMA_VERSION = 1;

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped' | 'interrupted';

export interface BackendChoice {
  /** The backend the run uses. */
  name: BackendName;
  /** Each backend tried before it, and why it was not used. */
  skipped: { name: BackendName; reason: string }[];
  /** The CPU fast paths installed for it (e.g. 'wasm-transposed-matmul'); [] when none or switched off. */
  fastPaths?: string[];
  /** The device it runs on, in words (e.g. the GPU adapter), when the backend can tell. */
  device?: string;
  /** Multi-core data-parallel training: what was asked, how many shards each step used, why. */
  workers?: WorkersChoice;
}

/** The multi-core choice of a run (src/engine/training/parallel/parallelTraining.ts). */
export interface WorkersChoice {
  /** The config's or FINETUNE_WORKERS's value: 'auto' or a count. */
  requested: 'auto' | number;
  /** Shards per step, the main thread included (1 = one thread). */
  used: number;
  reason: string;
  /** Auto's timings, ms per step, when it measured them. */
  singleMsPerStep?: number;
  parallelMsPerStep?: number;
}

export interface RunEnvironment {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  tfjs: string;
  /** 'electron' when run by VS Code's runtime, else 'node'. */
  runtime: 'node' | 'electron';
}

export interface DatasetSummary {
  path: string;
  /** sha256 of the file bytes. */
  fingerprint: string;
  task: TaskKind;
  label: string;
  text: string | null;
  /** Feature columns (tabular tasks). */
  features: string[];
  /** Class names in model-output order (classification), empty for regression. */
  classes: string[];
  usableRows: number;
  skippedRows: number;
  split: Record<SplitName, number>;
}

export interface ModelSummary {
  /** The model option as given ('nn-sentiment', 'mlp', or a path). */
  source: string;
  /** sha256 over the model's weight files (or of its config when built from scratch). */
  fingerprint: string;
  totalParams: number;
  trainableParams: number;
}

export interface BestCheckpoint {
  /** Folder name under checkpoints/. */
  name: string;
  metric: string;
  value: number;
  epoch: number;
  step: number;
}

export interface RunProgress {
  epoch: number;
  /** Global optimizer step (1-based after the first step). */
  step: number;
  totalSteps: number;
  /** Epochs the run is asked to train in total. */
  epochs: number;
}

/** run.json */
export interface RunRecord {
  schemaVersion: number;
  id: string;
  name: string;
  status: RunStatus;
  /** Why the run failed, stopped or was interrupted, as a user-readable sentence. */
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  config: TrainConfig;
  dataset: DatasetSummary | null;
  model: ModelSummary | null;
  backend: BackendChoice | null;
  environment: RunEnvironment | null;
  /** Git commit of the workspace holding the dataset, if it is a git repository. */
  gitCommit: string | null;
  /** Process id of the worker while running; used to detect dead workers. */
  pid: number | null;
  progress: RunProgress | null;
  best: BestCheckpoint | null;
  /** Seconds spent training (excluding evaluation). */
  trainingSeconds: number;
  /** The technique sweep this run belongs to (`<runsDir>/sweeps/<sweepId>.json`); absent or null for a lone run. */
  sweepId?: string | null;
}

/** One line of metrics.jsonl. */
export interface MetricEvent {
  step: number;
  epoch: number;
  split: 'train' | 'validation' | 'test';
  name: string;
  value: number;
  /** ISO time. */
  time: string;
}

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationEvaluation {
  task: 'text-classification' | 'tabular-classification' | 'image-classification';
  checkpoint: string;
  rows: number;
  loss: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** matrix[i][j]: examples of true class labels[i] predicted as labels[j]. */
  confusion: { labels: string[]; matrix: number[][] };
}

export interface RegressionEvaluation {
  task: 'tabular-regression';
  checkpoint: string;
  rows: number;
  loss: number;
  mae: number;
  rmse: number;
  r2: number;
}

/** evaluation.json */
export type Evaluation = ClassificationEvaluation | RegressionEvaluation;

/** One line of predictions.jsonl. */
export interface PredictionRecord {
  /** 1-based line of the source file where the example starts. */
  line: number;
  label: string | number;
  prediction: string | number;
  /** Class probabilities in `classes` order (classification only). */
  probabilities?: number[];
}

/** state.json inside a checkpoint folder: everything besides weights needed to resume exactly. */
export interface CheckpointState {
  name: string;
  epoch: number;
  /** Global step after which the checkpoint was taken. */
  step: number;
  /** Batches of the current epoch already consumed (0 at an epoch boundary). */
  batchInEpoch: number;
  /** State of the seeded data-order RNG at the start of the current epoch. */
  rngState: number[];
  /** Early-stopping bookkeeping. */
  bestValue: number | null;
  bestEpoch: number;
  badValidations: number;
  metric: string;
  value: number | null;
  time: string;
  /** Seconds of training so far, carried across resumes. */
  trainingSeconds?: number;
}
