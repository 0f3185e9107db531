// Run records, evaluations and metric streams for report tests.

import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import type { TechniqueName } from '../../../src/protocol/configTypes';
import type { ClassificationEvaluation, MetricEvent, RunRecord } from '../../../src/protocol/runTypes';

export function fixtureRun(id: string, technique: TechniqueName, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    schemaVersion: 1,
    id,
    name: `reviews.csv · ${technique}`,
    status: 'completed',
    statusReason: null,
    createdAt: '2026-11-26T14:15:30.000Z',
    updatedAt: '2026-11-26T14:20:00.000Z',
    startedAt: '2026-11-26T14:15:31.000Z',
    finishedAt: '2026-11-26T14:20:00.000Z',
    config: makeTrainConfig('/data/reviews.csv', { technique, model: 'nn-sentiment' }),
    dataset: {
      path: '/data/reviews.csv',
      fingerprint: 'ab'.repeat(32),
      task: 'text-classification',
      label: 'sentiment',
      text: 'review',
      features: [],
      classes: ['bad', 'good'],
      usableRows: 100,
      skippedRows: 0,
      split: { train: 80, validation: 10, test: 10 },
    },
    model: { source: 'nn-sentiment', fingerprint: 'cd'.repeat(32), totalParams: 1_600_000, trainableParams: technique === 'full' ? 1_600_000 : 4_000 },
    backend: { name: 'wasm', skipped: [] },
    environment: { node: 'v20.20.2', platform: 'linux', arch: 'x64', cpus: 8, tfjs: '4.22.0', runtime: 'node' },
    gitCommit: null,
    pid: null,
    progress: null,
    best: { name: 'best', metric: 'loss', value: 0.3, epoch: 2, step: 30 },
    trainingSeconds: technique === 'full' ? 120 : 40,
    ...overrides,
  };
}

export function fixtureEvaluation(accuracy: number, f1: [number, number] = [accuracy, accuracy]): ClassificationEvaluation {
  return {
    task: 'text-classification',
    checkpoint: 'best',
    rows: 10,
    loss: 1 - accuracy,
    accuracy,
    macroF1: (f1[0] + f1[1]) / 2,
    perClass: [
      { label: 'bad', precision: f1[0], recall: f1[0], f1: f1[0], support: 5 },
      { label: 'good', precision: f1[1], recall: f1[1], f1: f1[1], support: 5 },
    ],
    confusion: { labels: ['bad', 'good'], matrix: [[4, 1], [1, 4]] },
  };
}

/** Three epochs of 10 steps: falling training loss every step, validation loss and accuracy each epoch. */
export function fixtureMetrics(scale = 1): MetricEvent[] {
  const events: MetricEvent[] = [];
  const time = '2026-11-26T14:16:00.000Z';
  for (let step = 1; step <= 30; step++) {
    const epoch = Math.floor((step - 1) / 10);
    events.push({ step, epoch, split: 'train', name: 'loss', value: scale / step, time });
    if (step % 10 === 0) {
      events.push({ step, epoch, split: 'validation', name: 'loss', value: (scale * 0.5) / (epoch + 1), time });
      events.push({ step, epoch, split: 'validation', name: 'accuracy', value: 0.6 + 0.1 * epoch, time });
    }
  }
  return events;
}
