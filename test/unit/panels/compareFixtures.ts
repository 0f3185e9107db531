// Runs for the comparison tests: records in memory, and real run folders written through the
// run store (run.json, metrics.jsonl, evaluation.json, predictions.jsonl, a best checkpoint).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainConfig } from '../../../src/protocol/configTypes';
import type { ClassificationEvaluation, MetricEvent, PredictionRecord, RegressionEvaluation, RunRecord } from '../../../src/protocol/runTypes';
import type { CompareRunData } from '../../../src/panels/compareRunData';
import { RunStore } from '../../../src/storage/runStore';
import { sampleConfig } from '../storage/fixtures/runFixtures';
import { sampleRun } from './dashboardFixtures';

export const RUNS_DIR = '/ws/.finetune/runs';

/** A completed text-classification run on /data/reviews.csv (fingerprint 'f', classes neg/pos). */
export function completedRun(id: string, config: Partial<TrainConfig> = {}, overrides: Partial<RunRecord> = {}): RunRecord {
  return sampleRun({
    id,
    name: id,
    status: 'completed',
    config: sampleConfig({ epochs: 3, ...config }),
    progress: { epoch: 3, step: 30, totalSteps: 30, epochs: 3 },
    best: { name: 'best', metric: 'loss', value: 0.3, epoch: 2, step: 30 },
    ...overrides,
  });
}

export function classification(accuracy: number, overrides: Partial<ClassificationEvaluation> = {}): ClassificationEvaluation {
  return {
    task: 'text-classification',
    checkpoint: 'best',
    rows: 40,
    loss: 1 - accuracy,
    accuracy,
    macroF1: accuracy - 0.05,
    perClass: [
      { label: 'neg', precision: accuracy, recall: accuracy - 0.1, f1: accuracy - 0.05, support: 20 },
      { label: 'pos', precision: accuracy - 0.1, recall: accuracy, f1: accuracy - 0.05, support: 20 },
    ],
    confusion: { labels: ['neg', 'pos'], matrix: [[18, 2], [4, 16]] },
    ...overrides,
  };
}

export function regression(mae: number): RegressionEvaluation {
  return { task: 'tabular-regression', checkpoint: 'best', rows: 20, loss: mae * mae, mae, rmse: mae * 1.2, r2: 1 - mae / 10 };
}

export function prediction(line: number, label: string, predicted: string, pPos = predicted === 'pos' ? 0.8 : 0.2): PredictionRecord {
  return { line, label, prediction: predicted, probabilities: [1 - pPos, pPos] };
}

/** Validation loss and accuracy at the end of each epoch (10 steps per epoch), and training loss per step. */
export function epochMetrics(losses: readonly number[], accuracies: readonly number[], msPerStep = 100): MetricEvent[] {
  const t0 = Date.parse('2026-11-26T14:15:40.000Z');
  const events: MetricEvent[] = [];
  losses.forEach((loss, epoch) => {
    for (let s = 1; s <= 10; s++) {
      const step = epoch * 10 + s;
      events.push({ step, epoch, split: 'train', name: 'loss', value: loss + 0.1 * (10 - s), time: new Date(t0 + step * msPerStep).toISOString() });
    }
    const time = new Date(t0 + (epoch + 1) * 10 * msPerStep + 50).toISOString();
    events.push({ step: (epoch + 1) * 10, epoch, split: 'validation', name: 'loss', value: loss, time });
    events.push({ step: (epoch + 1) * 10, epoch, split: 'validation', name: 'accuracy', value: accuracies[epoch] ?? 0, time });
  });
  return events;
}

export function runData(run: RunRecord, parts: Partial<Omit<CompareRunData, 'run' | 'ref'>> = {}): CompareRunData {
  return {
    ref: { runsDir: RUNS_DIR, runId: run.id },
    run,
    metrics: [],
    evaluation: null,
    predictions: null,
    bestCheckpointBytes: null,
    problems: [],
    stamp: run.updatedAt,
    ...parts,
  };
}

export interface RunFolder {
  config: Partial<TrainConfig>;
  run?: Partial<RunRecord>;
  metrics?: MetricEvent[];
  evaluation?: ClassificationEvaluation | RegressionEvaluation;
  predictions?: PredictionRecord[];
  /** Bytes of the model file written into checkpoints/best. */
  modelBytes?: number;
}

/** Writes a run folder through the run store; returns its id. */
export async function writeRunFolder(runsDir: string, folder: RunFolder): Promise<string> {
  const store = new RunStore(runsDir);
  const created = await store.createRun(sampleConfig(folder.config));
  const base = completedRun(created.id, folder.config);
  await store.updateRun(created.id, (record) => ({
    ...record,
    ...base,
    id: created.id,
    createdAt: record.createdAt,
    config: record.config,
    ...folder.run,
  }));
  if (folder.metrics) await store.appendMetrics(created.id, folder.metrics);
  if (folder.evaluation) await store.writeEvaluation(created.id, folder.evaluation);
  if (folder.predictions) await store.writePredictions(created.id, folder.predictions);
  if (folder.modelBytes !== undefined) {
    await store.writeCheckpointState(created.id, {
      name: 'best', epoch: 3, step: 30, batchInEpoch: 0, rngState: [1, 2, 3, 4], bestValue: 0.3, bestEpoch: 2, badValidations: 0, metric: 'loss', value: 0.3, time: '2026-11-26T14:16:00.000Z',
    });
    fs.writeFileSync(path.join(store.checkpointDir(created.id, 'best'), 'weights.bin'), Buffer.alloc(folder.modelBytes));
  }
  return created.id;
}
