// Reads what the comparison panel needs of one run from the run store: run.json, metrics.jsonl,
// evaluation.json, predictions.jsonl and the size of the best checkpoint. run.json must be
// readable (its errors are thrown); the other files are best effort, their problems are kept as
// sentences. No vscode here: the panel host and the unit tests use it alike.

import * as fs from 'node:fs';
import type { CompareRunRef } from '../protocol/comparePanelProtocol';
import type { NamedEvaluationInfo } from '../protocol/namedEvaluationTypes';
import type { Evaluation, MetricEvent, PredictionRecord, RunRecord } from '../protocol/runTypes';
import { dirSize } from '../storage/dirSize';
import { evaluationsDir, listNamedEvaluations } from '../storage/evaluationsStore';
import type { RunStore } from '../storage/runStore';

export interface CompareRunData {
  ref: CompareRunRef;
  run: RunRecord;
  metrics: MetricEvent[];
  evaluation: Evaluation | null;
  /** null when the run has no predictions.jsonl (not evaluated yet). */
  predictions: PredictionRecord[] | null;
  /** Bytes of the best checkpoint's folder; null without a best checkpoint. */
  bestCheckpointBytes: number | null;
  /** Parts that could not be read, as sentences. */
  problems: string[];
  /** Changes when the run's files change (run.json time, metrics and evaluation sizes). */
  stamp: string;
  /** The run's named evaluations (absent: none read). */
  namedEvaluations?: NamedEvaluationInfo[];
  /**
   * The dataset file `evaluation` and `predictions` refer to when they are a named evaluation's
   * (their lines are that file's); absent: the run's own dataset (the test split).
   */
  evaluatedDataset?: { path: string; fingerprint: string };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function stampOf(store: RunStore, run: RunRecord): string {
  const paths = store.paths(run.id);
  const named = mtimeOf(evaluationsDir(store, run.id));
  return [run.updatedAt, run.status, sizeOf(paths.metrics), sizeOf(paths.evaluation), sizeOf(paths.predictions), named].join('|');
}

/** A cheap fingerprint of the run's files: the run is read again only when it changes. */
export async function runStamp(store: RunStore, runId: string): Promise<string> {
  return stampOf(store, await store.readRun(runId));
}

export async function loadCompareRun(store: RunStore, runId: string): Promise<CompareRunData> {
  const run = await store.readRun(runId);
  const stamp = stampOf(store, run);
  const problems: string[] = [];
  const label = `run "${run.name}"`;
  const metrics = await store.readMetrics(runId).catch((error: unknown) => {
    problems.push(`The metrics of ${label} could not be read: ${message(error)}`);
    return [];
  });
  const evaluation = await store.readEvaluation(runId).catch((error: unknown) => {
    problems.push(`The test evaluation of ${label} could not be read: ${message(error)}`);
    return null;
  });
  const predictions = await store.readPredictions(runId).catch((error: unknown) => {
    problems.push(`The predictions of ${label} could not be read: ${message(error)}`);
    return null;
  });
  const namedEvaluations = await listNamedEvaluations(store, runId, (file, error) => {
    problems.push(`A named evaluation of ${label} could not be read (${file}): ${error.message}`);
  }).catch((error: unknown) => {
    problems.push(`The named evaluations of ${label} could not be listed: ${message(error)}`);
    return [];
  });
  const bestCheckpointBytes = run.best ? await dirSize(store.checkpointDir(runId, run.best.name)).catch(() => null) : null;
  return {
    ref: { runsDir: store.runsDir, runId },
    run,
    metrics,
    evaluation,
    predictions,
    bestCheckpointBytes: bestCheckpointBytes === 0 ? null : bestCheckpointBytes,
    problems,
    stamp,
    namedEvaluations,
  };
}
