// Evaluates a run's best checkpoint on its test split and writes evaluation.json,
// predictions.jsonl and report.md.

import type * as tf from '@tensorflow/tfjs';
import type { Evaluation } from '../../protocol/runTypes';
import type { RunStore } from '../../storage/runStore';
import type { Example } from '../data/example';
import { scoreOutputs } from '../evaluation/scoreOutputs';
import { renderReport } from '../evaluation/report';
import { predictRows } from '../training/forward';
import type { LabelCodec } from '../training/labels';
import { loadCheckpointModels, resolveCheckpointDir } from '../training/checkpointIo';

export interface EvaluateInput {
  codec: LabelCodec;
  /** False when x holds cached features of the frozen base. */
  throughBase: boolean;
  examples: readonly Example[];
  x: tf.Tensor2D;
  batchSize: number;
  checkpoint?: string;
}

export async function evaluateCheckpoint(store: RunStore, runId: string, input: EvaluateInput): Promise<Evaluation> {
  const name = input.checkpoint ?? 'best';
  const dir = await resolveCheckpointDir(store.paths(runId).checkpoints, name);
  const models = await loadCheckpointModels(dir);
  try {
    const rows = await predictRows(models, input.x, input.throughBase, Math.max(64, input.batchSize));
    const scored = scoreOutputs(input.codec, rows, input.examples, name);
    await store.writeEvaluation(runId, scored.evaluation);
    await store.writePredictions(runId, scored.predictions);
    return scored.evaluation;
  } finally {
    models.base.dispose();
    models.head.dispose();
  }
}

/** Writes report.md from what the run store holds now. */
export async function writeRunReport(store: RunStore, runId: string): Promise<void> {
  const run = await store.readRun(runId);
  await store.writeReport(runId, renderReport(run, await store.readEvaluation(runId), await store.readMetrics(runId)));
}
