// A technique sweep: several runs on the same dataset, split and seed that differ in technique and
// in at most two hyper-parameters, stored as `<runsDir>/sweeps/<sweepId>.json` (and a Markdown
// report `<sweepId>.md` beside it). Each run's run.json carries the sweep id.
// This file imports only other protocol files.

import type { TechniqueName } from './configTypes';
import type { SplitFractions } from './datasetTypes';
import type { RunStatus } from './runTypes';

/** Bumped whenever a stored sweep record changes shape incompatibly. */
export const SWEEP_SCHEMA_VERSION = 1;

/** The hyper-parameters a sweep can vary, named as the CLI options that set them. */
export type SweepParam = 'lr' | 'rank' | 'alpha' | 'epochs' | 'batch-size' | 'adapter-size';

/** One axis of the grid: a hyper-parameter and the values it takes. */
export interface SweepAxis {
  param: SweepParam;
  values: number[];
}

/** The test metric runs are ranked by. */
export interface SweepMetric {
  /** A field of evaluation.json: 'accuracy', 'macroF1', 'loss', 'mae', 'rmse', 'r2'. */
  name: string;
  /** 'max' when larger is better. */
  mode: 'min' | 'max';
}

export type SweepStatus = 'running' | 'completed' | 'stopped' | 'failed';

/** One run of a sweep, with what the trade-off chart needs. */
export interface SweepRunEntry {
  runId: string;
  name: string;
  technique: TechniqueName;
  /** The grid values this run trained with (only parameters that apply to its technique). */
  settings: Partial<Record<SweepParam, number>>;
  status: RunStatus;
  /** Test value of the sweep's metric; null until the run is evaluated. */
  metric: number | null;
  /** Headline test metrics of evaluation.json (accuracy, macroF1, loss, or mae, rmse, r2, loss). */
  testMetrics: Record<string, number>;
  trainableParams: number | null;
  totalParams: number | null;
  /** Seconds spent training (evaluation excluded); null before the run trained. */
  trainingSeconds: number | null;
  /** 1 = best by the metric; null when not evaluated. */
  rank: number | null;
  /** No other run is at least as good with fewer trainable parameters (Pareto front). */
  paretoParams: boolean;
  /** No other run is at least as good in less training time (Pareto front). */
  paretoTime: boolean;
}

/** `<runsDir>/sweeps/<sweepId>.json` */
export interface SweepRecord {
  schemaVersion: number;
  id: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  status: SweepStatus;
  /** Why the sweep stopped or failed, as a sentence. */
  statusReason: string | null;
  datasetPath: string;
  /** The base model every run starts from. */
  model: string;
  seed: number;
  split: SplitFractions;
  techniques: TechniqueName[];
  axes: SweepAxis[];
  metric: SweepMetric;
  /** Runs the sweep planned; `runs` holds those created so far. */
  plannedRuns: number;
  /** Best first by the metric; runs without a test evaluation last, in the order they ran. */
  runs: SweepRunEntry[];
}
