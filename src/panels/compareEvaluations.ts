// Named evaluations in the comparison panel: the ones every run has (the panel's "Evaluation"
// choices), and a run's data with a named evaluation in place of its test split, so the metrics
// table, the confusion matrices and the per-example differences show that evaluation. Pure.

import type { EvaluationChoice } from '../protocol/comparePanelProtocol';
import type { NamedEvaluation } from '../protocol/namedEvaluationTypes';
import type { PredictionRecord, RunRecord } from '../protocol/runTypes';
import type { CompareRunData } from './compareRunData';

/** The named evaluations all runs have, in the first run's order; none without runs. */
export function sharedEvaluations(runs: readonly CompareRunData[]): EvaluationChoice[] {
  if (runs.length === 0) return [];
  const [first, ...others] = runs;
  return (first.namedEvaluations ?? [])
    .filter((info) => others.every((r) => (r.namedEvaluations ?? []).some((o) => o.name === info.name)))
    .map((info) => ({ name: info.name, datasetPath: info.datasetPath }));
}

/** The evaluation shown: the one asked for when every run has it, else the test split (null). */
export function resolveEvaluation(name: string | null, choices: readonly EvaluationChoice[]): string | null {
  return name !== null && choices.some((c) => c.name === name) ? name : null;
}

/** The run's data showing a named evaluation instead of the test split. */
/** `predictions` null: the evaluation has no predictions file. */
export function withNamedEvaluation(data: CompareRunData, named: NamedEvaluation, predictions: PredictionRecord[] | null): CompareRunData {
  return {
    ...data,
    evaluation: named.evaluation,
    predictions,
    evaluatedDataset: { path: named.dataset.path, fingerprint: named.dataset.fingerprint },
  };
}

/**
 * The run record the per-example comparison sees: its dataset is the file the predictions refer
 * to (a named evaluation's file, whose lines they are), so lines open and match in that file.
 */
export function evaluatedRun(data: CompareRunData): RunRecord {
  const evaluated = data.evaluatedDataset;
  if (!evaluated || !data.run.dataset) return data.run;
  // A stored evaluation of an older version has no fingerprint: it matches nothing but itself.
  const fingerprint = evaluated.fingerprint === '' ? `path:${evaluated.path}` : evaluated.fingerprint;
  return { ...data.run, dataset: { ...data.run.dataset, path: evaluated.path, fingerprint } };
}

/** The dataset file the run's predictions refer to. */
export function evaluatedDatasetPath(data: CompareRunData): string {
  return data.evaluatedDataset?.path ?? data.run.dataset?.path ?? data.run.config.datasetPath;
}
