// Evaluates a run's best checkpoint on its test split and writes evaluation.json,
// predictions.jsonl and report.md.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Evaluation } from '../../protocol/runTypes';
import { writeFileAtomic } from '../../storage/atomicWrite';
import { CONFUSION_FILE, CURVES_FILE } from '../../storage/runLayout';
import type { RunStore } from '../../storage/runStore';
import { renderConfusionChart } from '../charts/confusionChart';
import { renderRunCurves } from '../charts/runCurves';
import type { Example } from '../data/example';
import { scoreOutputs } from '../evaluation/scoreOutputs';
import { renderReport, type ReportPictures } from '../evaluation/report';
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

/** Writes `svg` to `<run>/<file>` (or removes a stale one when null); the file name when written. */
async function writePicture(store: RunStore, runId: string, file: string, svg: string | null): Promise<string | null> {
  const target = path.join(store.runDir(runId), file);
  if (svg === null) {
    await fs.rm(target, { force: true });
    return null;
  }
  await writeFileAtomic(target, svg);
  return file;
}

/** Writes report.md, with curves.svg (and confusion.svg for classification) beside it, from what the run store holds now. */
export async function writeRunReport(store: RunStore, runId: string): Promise<void> {
  const run = await store.readRun(runId);
  const evaluation = await store.readEvaluation(runId);
  const metrics = await store.readMetrics(runId);
  const pictures: ReportPictures = {
    curves: await writePicture(store, runId, CURVES_FILE, renderRunCurves(run, metrics)),
    confusion: await writePicture(
      store,
      runId,
      CONFUSION_FILE,
      evaluation && evaluation.task !== 'tabular-regression' ? renderConfusionChart(evaluation) : null,
    ),
  };
  await store.writeReport(runId, renderReport(run, evaluation, metrics, null, pictures));
}
