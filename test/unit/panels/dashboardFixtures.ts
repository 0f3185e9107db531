// Records and events for the dashboard tests.

import type { DashboardState, MetricColumns } from '../../../src/protocol/dashboardProtocol';
import type { MetricEvent, RunRecord } from '../../../src/protocol/runTypes';
import { eventsToColumns } from '../../../src/panels/dashboardColumns';
import { sampleConfig } from '../storage/fixtures/runFixtures';

export function sampleRun(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    schemaVersion: 1,
    id: '20261126-141530-lora-abcd',
    name: 'reviews lora',
    status: 'running',
    statusReason: null,
    createdAt: '2026-11-26T14:15:30.000Z',
    updatedAt: '2026-11-26T14:16:00.000Z',
    startedAt: '2026-11-26T14:15:31.000Z',
    finishedAt: null,
    config: sampleConfig({ epochs: 3, batchSize: 32, earlyStopping: { metric: 'loss', mode: 'min', patience: 2 } }),
    dataset: {
      path: '/data/reviews.csv',
      fingerprint: 'f',
      task: 'text-classification',
      label: 'label',
      text: 'text',
      features: [],
      classes: ['neg', 'pos'],
      usableRows: 400,
      skippedRows: 0,
      split: { train: 320, validation: 40, test: 40 },
    },
    model: { source: 'nn-sentiment', fingerprint: 'm', totalParams: 1_500_000, trainableParams: 3_200 },
    backend: { name: 'wasm', skipped: [{ name: 'tensorflow-gpu', reason: 'not installed' }] },
    environment: { node: '20.0.0', platform: 'linux', arch: 'x64', cpus: 16, tfjs: '4.22.0', runtime: 'node' },
    gitCommit: null,
    pid: null,
    progress: { epoch: 1, step: 10, totalSteps: 30, epochs: 3 },
    best: null,
    trainingSeconds: 12,
    ...overrides,
  };
}

export function sampleState(overrides: Partial<DashboardState> = {}, run: Partial<RunRecord> = {}): DashboardState {
  return {
    ref: { runsDir: '/ws/.finetune/runs', runId: '20261126-141530-lora-abcd' },
    run: sampleRun(run),
    activity: 'running',
    stopRequested: false,
    live: null,
    download: null,
    checkpoints: [],
    evaluation: null,
    log: [],
    logTruncated: false,
    axis: 'step',
    canCompare: false,
    problems: [],
    readAt: Date.parse('2026-11-26T14:16:00.000Z'),
    ...overrides,
  };
}

const T0 = Date.parse('2026-11-26T14:15:40.000Z');

/** Training-loss (and every 10th step learning-rate) events, `msPerStep` apart, from `from` to `to`. */
export function trainEvents(from: number, to: number, msPerStep = 100, perEpoch = 10): MetricEvent[] {
  const events: MetricEvent[] = [];
  for (let step = from; step <= to; step++) {
    const time = new Date(T0 + step * msPerStep).toISOString();
    const epoch = Math.floor((step - 1) / perEpoch);
    events.push({ step, epoch, split: 'train', name: 'loss', value: 1 / step, time });
    if (step % 10 === 1) events.push({ step, epoch, split: 'train', name: 'learningRate', value: 0.001, time });
  }
  return events;
}

export function validationEvents(step: number, epoch: number, loss: number, accuracy: number): MetricEvent[] {
  const time = new Date(T0 + step * 100 + 50).toISOString();
  return [
    { step, epoch, split: 'validation', name: 'loss', value: loss, time },
    { step, epoch, split: 'validation', name: 'accuracy', value: accuracy, time },
  ];
}

export function columns(events: MetricEvent[]): MetricColumns {
  return eventsToColumns(events);
}
