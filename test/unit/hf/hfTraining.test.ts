// Fine-tuning tiny Hugging Face checkpoints through the real runner (executeRun on cpu): every
// technique makes the training loss go down, trains what it should (LoRA on query/value, adapters
// after the attention and feed-forward outputs, embeddings in full fine-tuning), and a run with
// dropout is reproducible.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TechniqueName, TrainConfig } from '../../../src/protocol/configTypes';
import type { MetricEvent } from '../../../src/protocol/runTypes';
import { loadCheckpointModels } from '../../../src/engine/training/checkpointIo';
import { readPreprocessing } from '../../../src/engine/runner/preprocessing';
import type { HfArchitecture } from '../../../src/engine/models/hf/hfConfig';
import { tempDir, writeTextCsv } from '../helpers/fixtures';
import { createAndRun, runById } from '../helpers/runHelpers';
import { makeTinyCheckpoint, writeTinyCheckpoint } from './tinyHfCheckpoint';

function epochMeans(metrics: readonly MetricEvent[]): number[] {
  const byEpoch = new Map<number, number[]>();
  for (const e of metrics) {
    if (e.split !== 'train' || e.name !== 'loss') continue;
    byEpoch.set(e.epoch, [...(byEpoch.get(e.epoch) ?? []), e.value]);
  }
  return [...byEpoch.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v.reduce((s, x) => s + x, 0) / v.length);
}

function modelDir(root: string, arch: HfArchitecture, dropout = 0): string {
  return writeTinyCheckpoint(path.join(root, `${arch}-model`), makeTinyCheckpoint({ architecture: arch, hidden: 16, layers: 2, heads: 2, seed: 21, scale: 0.3, dropout }));
}

const COMMON: Partial<TrainConfig> = {
  epochs: 4,
  batchSize: 8,
  maxSequenceLength: 16,
  split: { validation: 0.2, test: 0.2 },
  earlyStopping: { metric: 'loss', mode: 'min', patience: 0 },
};

const LEARNING_RATES: Record<TechniqueName, number> = { features: 1e-2, lora: 1e-2, adapter: 1e-2, full: 3e-3 };

async function train(arch: HfArchitecture, technique: TechniqueName, extra: Partial<TrainConfig> = {}): Promise<{
  root: string;
  model: string;
  runDir: string;
  means: number[];
  trainable: number;
  total: number;
}> {
  const root = tempDir();
  const csv = writeTextCsv(root, 160);
  const model = modelDir(root, arch);
  const { store, runId, result } = await createAndRun(path.join(root, 'runs'), csv, { ...COMMON, model, technique, learningRate: LEARNING_RATES[technique], ...extra });
  assert.equal(result.status, 'completed', result.reason ?? '');
  const run = await store.readRun(runId);
  const means = epochMeans(await store.readMetrics(runId));
  const epochs = extra.epochs ?? COMMON.epochs ?? 0;
  assert.equal(means.length, epochs);
  assert.ok(means[epochs - 1] < means[0] * 0.97, `${arch} ${technique}: train loss per epoch ${means.map((m) => m.toFixed(4)).join(' → ')} should go down`);
  const evaluation = await store.readEvaluation(runId);
  assert.ok(evaluation !== null && evaluation.rows === run.dataset?.split.test);
  return { root, model, runDir: store.runDir(runId), means, trainable: run.model?.trainableParams ?? 0, total: run.model?.totalParams ?? 0 };
}

test('bert features: the frozen encoder is cached, only the classifier trains', async () => {
  // Cached features make epochs cheap: more of them, as the features defaults do.
  const r = await train('bert', 'features', { epochs: 8 });
  assert.equal(r.trainable, 16 * 2 + 2, 'classifier kernel and bias only');
  const pre = await readPreprocessing(r.runDir);
  assert.deepEqual(pre.encoder, { kind: 'text', tokenizer: 'hf', modelDir: r.model, sequenceLength: 16, textColumn: 'review' });
});

test('bert lora: LoRA on every query and value projection by default', async () => {
  const r = await train('bert', 'lora', { lora: { rank: 2, alpha: 4, dropout: 0, targets: [] } });
  const models = await loadCheckpointModels(path.join(r.runDir, 'checkpoints', 'best'));
  const lora = models.base.layers.filter((l) => l.getClassName() === 'LoraDense').map((l) => l.name);
  assert.deepEqual(lora, ['encoder.layer.0.attention.self.query', 'encoder.layer.0.attention.self.value', 'encoder.layer.1.attention.self.query', 'encoder.layer.1.attention.self.value']);
  assert.equal(r.trainable, 4 * (16 * 2 + 2 * 16) + 16 * 2 + 2);
  models.base.dispose();
  models.head.dispose();
});

test('bert adapter: adapters after the attention output and the feed-forward output of each layer', async () => {
  const r = await train('bert', 'adapter', { adapter: { size: 4, activation: 'gelu', after: [] } });
  const models = await loadCheckpointModels(path.join(r.runDir, 'checkpoints', 'best'));
  const adapters = models.base.layers.filter((l) => l.getClassName() === 'BottleneckAdapter').map((l) => l.name);
  assert.deepEqual(adapters, [
    'encoder.layer.0.attention.output.dense_adapter',
    'encoder.layer.0.output.dense_adapter',
    'encoder.layer.1.attention.output.dense_adapter',
    'encoder.layer.1.output.dense_adapter',
  ]);
  models.base.dispose();
  models.head.dispose();
});

test('bert full: every weight trains, word embeddings included (gather gradient)', async () => {
  const r = await train('bert', 'full');
  assert.equal(r.trainable, r.total);
  const models = await loadCheckpointModels(path.join(r.runDir, 'checkpoints', 'best'));
  const table = models.base.getLayer('embeddings').getWeights()[0];
  const ckpt = makeTinyCheckpoint({ architecture: 'bert', hidden: 16, layers: 2, heads: 2, seed: 21, scale: 0.3 });
  const original = ckpt.tensors.get('embeddings.word_embeddings.weight');
  assert.ok(original !== undefined);
  const trained = table.dataSync();
  const row = (data: ArrayLike<number>, id: number): number[] => Array.from({ length: 16 }, (_, c) => data[id * 16 + c]);
  const greatId = ckpt.vocab.indexOf('great');
  const unusedId = ckpt.vocab.indexOf('[MASK]');
  const moved = (id: number): number => Math.max(...row(trained, id).map((v, c) => Math.abs(v - row(original.data, id)[c])));
  assert.ok(moved(greatId) > 1e-4, `the embedding of a word in the data moved (${moved(greatId)})`);
  assert.ok(moved(unusedId) < moved(greatId), 'a token absent from the data moved less (weight decay only)');
  models.base.dispose();
  models.head.dispose();
});

for (const [arch, technique] of [['distilbert', 'lora'], ['roberta', 'full'], ['roberta', 'adapter']] as Array<[HfArchitecture, TechniqueName]>) {
  test(`${arch} ${technique}: trains with its own head layout`, async () => {
    const r = await train(arch, technique, { lora: { rank: 2, alpha: 4, dropout: 0, targets: ['q', 'v', 'ffn'] } });
    const models = await loadCheckpointModels(path.join(r.runDir, 'checkpoints', 'best'));
    const head = models.head.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.name);
    assert.deepEqual(head, arch === 'distilbert' ? ['pre_classifier', 'classifier'] : ['classifier.dense', 'classifier.out_proj']);
    if (technique === 'lora') {
      const lora = models.base.layers.filter((l) => l.getClassName() === 'LoraDense').length;
      assert.equal(lora, 2 * 4, 'q, v and both ffn projections of 2 layers');
    }
    models.base.dispose();
    models.head.dispose();
  });
}

test('dropout in the encoder is seeded per step: two runs give identical metrics', async () => {
  const root = tempDir();
  const csv = writeTextCsv(root, 60);
  const model = modelDir(root, 'bert', 0.1);
  const choices = { ...COMMON, epochs: 2, model, technique: 'lora' as const, learningRate: 1e-2 };
  const a = await createAndRun(path.join(root, 'runs'), csv, choices);
  const b = await createAndRun(path.join(root, 'runs'), csv, choices);
  const key = (e: MetricEvent): string => `${e.split}/${e.name}/${e.step}=${e.value}`;
  assert.deepEqual((await a.store.readMetrics(a.runId)).map(key), (await b.store.readMetrics(b.runId)).map(key));
  // Dropout is on in training: a run with the same data but no dropout trains differently.
  const plain = modelDir(path.join(root, 'plain'), 'bert', 0);
  const c = await createAndRun(path.join(root, 'runs'), csv, { ...choices, model: plain });
  const train = async (r: typeof a): Promise<number[]> => (await r.store.readMetrics(r.runId)).filter((e) => e.split === 'train').map((e) => e.value);
  assert.notDeepEqual(await train(a), await train(c));
});

test('resume of a Hugging Face run (dropout on) continues exactly: stop mid-epoch + resume equals straight', async () => {
  const root = tempDir();
  const csv = writeTextCsv(root, 60);
  const model = modelDir(root, 'roberta', 0.1);
  const choices = { ...COMMON, epochs: 2, model, technique: 'lora' as const, learningRate: 1e-2 };
  const straight = await createAndRun(path.join(root, 'runs'), csv, choices);
  const stopped = await createAndRun(path.join(root, 'runs'), csv, choices, { stopAfterSteps: 5 });
  assert.equal(stopped.result.status, 'stopped');
  assert.equal((await runById(stopped.store, stopped.runId, { resume: true })).status, 'completed');
  const key = (e: MetricEvent): string => `${e.split}/${e.name}/${e.step}=${e.value}`;
  assert.deepEqual((await stopped.store.readMetrics(stopped.runId)).map(key), (await straight.store.readMetrics(straight.runId)).map(key));
  assert.deepEqual(await stopped.store.readEvaluation(stopped.runId), await straight.store.readEvaluation(straight.runId));
});
