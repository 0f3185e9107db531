import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainConfig } from '../../../src/protocol/configTypes';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import type { ClassificationEvaluation, MetricEvent, RegressionEvaluation, RunRecord } from '../../../src/protocol/runTypes';
import { pickValidationMetric, summarizeEpochs } from '../../../src/engine/evaluation/epochSummary';
import { escapeCell, formatDuration, formatNumber } from '../../../src/engine/evaluation/markdown';
import { renderReport } from '../../../src/engine/evaluation/report';
import { sparkline } from '../../../src/engine/evaluation/sparkline';

const FINGERPRINT = 'abcdef0123456789'.repeat(4);

function config(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return makeTrainConfig('/data/reviews.csv', {
    labelColumn: 'label',
    textColumn: 'text',
    model: 'nn-sentiment',
    technique: 'lora',
    epochs: 3,
    learningRate: 0.002,
    batchSize: 16,
    warmupRatio: 0.1,
    schedule: 'cosine',
    earlyStopping: { metric: 'accuracy', mode: 'max', patience: 2 },
    classWeights: 'balanced',
    split: { validation: 0.1, test: 0.2 },
    seed: 7,
    lora: { rank: 4, alpha: 8, dropout: 0.05, targets: ['dense'] },
    keepLastCheckpoint: false,
    ...overrides,
  });
}

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    schemaVersion: 1,
    id: '20261126-141530-lora-a1b2',
    name: 'reviews.csv · lora',
    status: 'completed',
    statusReason: null,
    createdAt: '2026-11-26T14:15:30.000Z',
    updatedAt: '2026-11-26T14:20:00.000Z',
    startedAt: '2026-11-26T14:15:31.000Z',
    finishedAt: '2026-11-26T14:20:00.000Z',
    config: config(),
    dataset: {
      path: '/data/reviews.csv',
      fingerprint: FINGERPRINT,
      task: 'text-classification',
      label: 'label',
      text: 'text',
      features: [],
      classes: ['neg', 'pos', 'a|b'],
      usableRows: 1234,
      skippedRows: 5,
      split: { train: 864, validation: 123, test: 247 },
    },
    model: { source: 'nn-sentiment', fingerprint: FINGERPRINT, totalParams: 2_000_000, trainableParams: 20_000 },
    backend: {
      name: 'wasm',
      skipped: [
        { name: 'tensorflow-gpu', reason: '@tensorflow/tfjs-node-gpu is not installed' },
        { name: 'webgpu', reason: 'no GPU adapter found' },
      ],
    },
    environment: { node: 'v20.20.2', platform: 'linux', arch: 'x64', cpus: 8, tfjs: '4.22.0', runtime: 'node' },
    gitCommit: null,
    pid: null,
    progress: null,
    best: { name: 'epoch-2', metric: 'accuracy', value: 0.8765, epoch: 1, step: 108 },
    trainingSeconds: 192,
    ...overrides,
  };
}

function ev(epoch: number, split: MetricEvent['split'], name: string, value: number): MetricEvent {
  return { epoch, step: (epoch + 1) * 54, split, name, value, time: '2026-11-26T14:16:00.000Z' };
}

const METRICS: MetricEvent[] = [
  ev(0, 'train', 'loss', 0.9),
  ev(0, 'train', 'loss', 0.7), // last value of the epoch wins
  ev(0, 'validation', 'loss', 0.65),
  ev(0, 'validation', 'accuracy', 0.71),
  ev(1, 'train', 'loss', 0.45),
  ev(1, 'validation', 'loss', 0.4),
  ev(1, 'validation', 'accuracy', 0.8765),
  ev(2, 'train', 'loss', 0.3),
  ev(2, 'validation', 'loss', 0.42),
  ev(2, 'validation', 'accuracy', 0.86),
  ev(2, 'test', 'loss', 9), // ignored by the epoch table
];

const EVALUATION: ClassificationEvaluation = {
  task: 'text-classification',
  checkpoint: 'epoch-2',
  rows: 247,
  loss: 0.41,
  accuracy: 0.8623,
  macroF1: 0.8512,
  perClass: [
    { label: 'neg', precision: 0.9, recall: 0.85, f1: 0.8743, support: 120 },
    { label: 'pos', precision: 0.83, recall: 0.88, f1: 0.8543, support: 117 },
    { label: 'a|b', precision: 0.5, recall: 0.6, f1: 0.5455, support: 10 },
  ],
  confusion: {
    labels: ['neg', 'pos', 'a|b'],
    matrix: [
      [102, 15, 3],
      [12, 103, 2],
      [2, 2, 6],
    ],
  },
};

test('the classification report shows the key values', () => {
  const md = renderReport(run(), EVALUATION, METRICS);
  assert.match(md, /^# reviews\.csv · lora\n/);
  assert.match(md, /Run `20261126-141530-lora-a1b2` · \*\*Completed\*\*/);
  assert.match(md, /trained for 3m 12s/);
  // Dataset
  assert.ok(md.includes('`/data/reviews.csv`'));
  assert.ok(md.includes(`sha256:${FINGERPRINT.slice(0, 12)}`));
  assert.ok(!md.includes(FINGERPRINT), 'fingerprint is shortened');
  assert.ok(md.includes('1,234 usable, 5 skipped'));
  assert.ok(md.includes('864 train · 123 validation · 247 test'));
  assert.ok(md.includes('| Classes | 3: neg, pos, a\\|b |'));
  // Model, technique, backend
  assert.ok(md.includes('LoRA (rank 4, alpha 8) on dense'));
  assert.ok(md.includes('| Trainable parameters | 20,000 of 2,000,000 (1.00%) |'));
  assert.ok(md.includes('| Backend | `wasm` |'));
  assert.ok(md.includes('| Skipped tensorflow-gpu | @tensorflow/tfjs-node-gpu is not installed |'));
  assert.ok(md.includes('| Skipped webgpu | no GPU adapter found |'));
  // Hyper-parameters
  assert.ok(md.includes('| Learning rate | 0.002 |'));
  assert.ok(md.includes('| Batch size | 16 |'));
  assert.ok(md.includes('AdamW (weight decay 0.01)'));
  assert.ok(md.includes('accuracy (max), patience 2'));
  // Epoch table: last value per epoch, watched metric as the column
  assert.ok(md.includes('| Epoch | Train loss | Validation loss | Validation accuracy |'));
  assert.ok(md.includes('| 1 | 0.7000 | 0.6500 | 0.7100 |'));
  assert.ok(md.includes('| 2 | 0.4500 | 0.4000 | 0.8765 |'));
  assert.ok(md.includes('| 3 | 0.3000 | 0.4200 | 0.8600 |'));
  assert.ok(!md.includes('9.0000'), 'test events are not in the epoch table');
  assert.ok(md.includes(`Validation loss by epoch: \`${sparkline([0.65, 0.4, 0.42])}\` (0.6500 → 0.4200, lowest 0.4000)`));
  assert.ok(md.includes('Best checkpoint: `epoch-2`, validation accuracy 0.8765 at epoch 2, step 108.'));
  // Test evaluation
  assert.ok(md.includes('247 test rows, checkpoint `epoch-2`.'));
  assert.ok(md.includes('| Accuracy | 0.8623 |'));
  assert.ok(md.includes('| Macro-F1 | 0.8512 |'));
  assert.ok(md.includes('| neg | 0.9000 | 0.8500 | 0.8743 | 120 |'));
  assert.ok(md.includes('| a\\|b | 0.5000 | 0.6000 | 0.5455 | 10 |'));
  assert.ok(md.includes('| true \\ predicted | neg | pos | a\\|b |'));
  assert.ok(md.includes('| neg | 102 | 15 | 3 |'));
  assert.ok(md.includes('| a\\|b | 2 | 2 | 6 |'));
  assert.ok(md.endsWith('\n'));
});

test('every table row has as many cells as its header', () => {
  const md = renderReport(run(), EVALUATION, METRICS, { ...EVALUATION, accuracy: 0.5, macroF1: 0.4, loss: 0.9 });
  const lines = md.split('\n');
  let expected = -1;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      expected = -1;
      continue;
    }
    const cells = line.replace(/\\\|/g, '').split('|').length;
    if (expected === -1) expected = cells;
    else assert.equal(cells, expected, line);
  }
});

test('a baseline is shown side by side with the change', () => {
  const baseline: ClassificationEvaluation = { ...EVALUATION, accuracy: 0.5, macroF1: 0.4, loss: 0.9 };
  const md = renderReport(run(), EVALUATION, METRICS, baseline);
  assert.ok(md.includes('| Metric | Base model | Fine-tuned | Change |'));
  assert.ok(md.includes('| Accuracy | 0.5000 | 0.8623 | +0.3623 |'));
  assert.ok(md.includes('| Loss | 0.9000 | 0.4100 | −0.4900 |'));
});

test('an interrupted run without evaluation or metrics still renders, with its reason', () => {
  const r = run({
    status: 'interrupted',
    statusReason: 'The training process (pid 42) ended without finishing; resume the run to continue from its last checkpoint.',
    dataset: null,
    model: null,
    backend: null,
    environment: null,
    best: null,
    finishedAt: null,
    trainingSeconds: 0,
    progress: { epoch: 1, step: 30, totalSteps: 162, epochs: 3 },
  });
  const md = renderReport(r, null, []);
  assert.ok(md.includes('**Interrupted**'));
  assert.ok(md.includes('> The training process (pid 42) ended without finishing'));
  assert.ok(md.includes('Progress: 1 of 3 epochs done, step 30 of 162.'));
  assert.ok(md.includes('`/data/reviews.csv` (not read yet).'));
  assert.ok(md.includes('No training metrics were recorded.'));
  assert.ok(md.includes('No best checkpoint yet.'));
  assert.ok(md.includes('The run has no test evaluation yet.'));
});

test('the regression report shows MAE, RMSE and R²', () => {
  const evaluation: RegressionEvaluation = { task: 'tabular-regression', checkpoint: 'best', rows: 50, loss: 2.5, mae: 1.25, rmse: 1.5811, r2: 0.9123 };
  const r = run({
    config: config({ technique: 'full', model: 'mlp', textColumn: null, earlyStopping: { metric: 'loss', mode: 'min', patience: 0 } }),
    dataset: {
      path: '/data/houses.csv',
      fingerprint: FINGERPRINT,
      task: 'tabular-regression',
      label: 'price',
      text: null,
      features: ['rooms', 'area'],
      classes: [],
      usableRows: 500,
      skippedRows: 0,
      split: { train: 400, validation: 50, test: 50 },
    },
  });
  const metrics = [ev(0, 'train', 'loss', 10), ev(0, 'validation', 'loss', 9), ev(0, 'validation', 'mae', 2.1)];
  const md = renderReport(r, evaluation, metrics);
  assert.ok(md.includes('full fine-tuning (every weight trains)'));
  assert.ok(md.includes('| Feature columns | rooms, area |'));
  assert.ok(!md.includes('| Classes |'));
  assert.ok(md.includes('| Validation | every epoch |'));
  assert.ok(md.includes('off (best by loss, min)'));
  assert.ok(md.includes('| Epoch | Train loss | Validation loss | Validation mae |'));
  assert.ok(md.includes('| 1 | 10 | 9 | 2.1000 |'));
  assert.ok(md.includes('| MAE | 1.2500 |'));
  assert.ok(md.includes('| RMSE | 1.5811 |'));
  assert.ok(md.includes('| R² | 0.9123 |'));
  assert.ok(!md.includes('Confusion matrix'));
});

test('summarizeEpochs keeps the last value per epoch and split; pickValidationMetric prefers the watched one', () => {
  const epochs = summarizeEpochs(METRICS);
  assert.deepEqual(epochs.map((e) => e.epoch), [0, 1, 2]);
  assert.equal(epochs[0].train.loss, 0.7);
  assert.equal(pickValidationMetric(epochs, 'accuracy'), 'accuracy');
  assert.equal(pickValidationMetric(epochs, 'loss'), 'accuracy');
  assert.equal(pickValidationMetric(epochs, 'macroF1'), 'accuracy');
  assert.equal(pickValidationMetric(summarizeEpochs([ev(0, 'validation', 'loss', 1)]), 'loss'), null);
});

test('sparkline and number formatting', () => {
  assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, 1]), '█▁');
  assert.equal(sparkline([2, 2, 2]), '▄▄▄');
  assert.equal(sparkline([1, Number.NaN, 3]), '▁ █');
  assert.equal(sparkline([]), '');
  assert.equal(formatNumber(0.123456), '0.1235');
  assert.equal(formatNumber(1234.5678), '1234.57');
  assert.equal(formatNumber(0.00001234), '1.23e-5');
  assert.equal(formatNumber(3), '3');
  assert.equal(formatNumber(null), '—');
  assert.equal(formatNumber(Number.NaN), '—');
  assert.equal(formatDuration(45.25), '45.3s');
  assert.equal(formatDuration(3723), '1h 02m');
  assert.equal(escapeCell('a|b\nc'), 'a\\|b c');
});
