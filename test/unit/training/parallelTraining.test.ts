// Data-parallel training through the trainer (runTraining): a short run with workers forced to 2
// ends with the weights of the single-thread run (relative 1e-4; dropout-free models, so only the
// summation order differs), last partial batch included; a worker that throws or exits fails the
// run with a message naming it, and every worker thread ends; and the automatic choice: off for
// the prechecks (switches, backend, batch, batch normalization) and for a tiny step, without ever
// starting a thread.

import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { WorkersChoice } from '../../../src/protocol/runTypes';
import { AdamW } from '../../../src/engine/training/optimizer';
import { runTraining, trainableVariables, type TrainerHooks } from '../../../src/engine/training/trainer';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import { initialTrainingState } from '../../../src/engine/training/trainingState';
import { SeededRng } from '../../../src/engine/training/rng';
import type { ModelPair } from '../../../src/engine/training/forward';
import type { Example } from '../../../src/engine/data/example';
import { liveWorkerThreads } from '../../../src/engine/training/parallel/workerPool';
import { ParallelTraining } from '../../../src/engine/training/parallel/parallelTraining';
import { resolveWorkers, type WorkersContext } from '../../../src/engine/training/parallel/workersSetting';
import { isTrainConfig } from '../../../src/protocol/configGuards';
import { assertClose, CODEC, dataFor, mlpPair, sentimentLoraPair } from './parallelFixtures';

before(async () => {
  await tf.setBackend('cpu');
});

function examples(n: number): Example[] {
  return Array.from({ length: n }, (_, i) => ({ line: i + 2, values: {}, label: CODEC.classes[i % 3] }));
}

interface Trained {
  weights: Map<string, Float32Array>;
  logs: string[];
  choices: WorkersChoice[];
}

async function train(models: ModelPair, kind: 'mlp' | 'text', workers: number, env: Record<string, string> = {}): Promise<Trained> {
  const rows = 11;
  const { x, y } = dataFor(kind, rows);
  const config = makeTrainConfig('/nowhere.csv', { epochs: 2, batchSize: 4, learningRate: 1e-3, workers, seed: 9, technique: 'full' });
  const optimizer = new AdamW({ learningRate: config.learningRate, weightDecay: 0.01 });
  const logs: string[] = [];
  const choices: WorkersChoice[] = [];
  const hooks: TrainerHooks = {
    progress: () => undefined,
    metrics: () => undefined,
    log: (_level, message) => logs.push(message),
    shouldStop: () => false,
    checkpoint: async () => undefined,
    workersChosen: (c) => choices.push(c),
  };
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  const empty = { examples: [], x: tf.zeros([0, x.shape[1]]) as tf.Tensor2D, y: tf.zeros([0, 3]) as tf.Tensor2D };
  try {
    await runTraining({
      config,
      codec: CODEC,
      models,
      throughBase: true,
      train: { examples: examples(rows), x, y },
      validation: empty,
      classWeights: [0.8, 1.3, 1],
      optimizer,
      state: initialTrainingState(new SeededRng(1).getState()),
      hooks,
    });
    const weights = new Map(trainableVariables(models, true).map((v) => [v.name, v.variable.dataSync() as Float32Array]));
    return { weights, logs, choices };
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    optimizer.dispose();
    for (const t of [x, y, empty.x, empty.y]) t.dispose();
  }
}

function dispose(m: ModelPair): void {
  m.base.dispose();
  m.head.dispose();
}

for (const kind of ['mlp', 'text'] as const) {
  test(`${kind}: a short run on 2 shards ends with the single-thread run's weights (3 steps/epoch, last batch 3 rows)`, async () => {
    const make = async (): Promise<ModelPair> => (kind === 'mlp' ? mlpPair() : await sentimentLoraPair());
    const one = await make();
    const two = await make();
    const single = await train(one, kind, 1);
    const parallel = await train(two, kind, 2);
    assert.deepEqual(single.choices.map((c) => c.used), [1]);
    assert.deepEqual(parallel.choices.map((c) => c.used), [2]);
    assert.ok(parallel.logs.some((l) => /multi-core training: 2 shards per step/.test(l) && /own dropout masks/.test(l)), parallel.logs.join('\n'));
    for (const [name, w] of single.weights) assertClose(parallel.weights.get(name) ?? [], w, name);
    // The runs moved the weights: the comparison is not of two untouched copies.
    const fresh = await make();
    const start = new Map(trainableVariables(fresh, true).map((v) => [v.name, v.variable.dataSync() as Float32Array]));
    const moved = [...single.weights].some(([name, w]) => w.some((value, i) => Math.abs(value - (start.get(name)?.[i] ?? value)) > 1e-5));
    assert.ok(moved, 'training changed the weights');
    [one, two, fresh].forEach(dispose);
    assert.equal(liveWorkerThreads(), 0, 'the pool ended with the run');
  });
}

for (const fault of ['throw@2', 'exit@2']) {
  test(`a worker that fails (${fault}) fails the run with a clear message and every thread ends`, async () => {
    const models = mlpPair();
    await assert.rejects(
      () => train(models, 'mlp', 3, { FINETUNE_PARALLEL_FAULT: fault }),
      (err: Error) => /Multi-core training: worker thread \d (failed|exited unexpectedly)/.test(err.message) && /FINETUNE_WORKERS=1/.test(err.message),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(liveWorkerThreads(), 0);
    dispose(models);
  });
}

function context(over: Partial<WorkersContext>, models: ModelPair): WorkersContext {
  return { setting: 'auto', env: {}, backend: 'wasm', cores: 4, batchSize: 64, models, throughBase: true, freeMemory: 2 ** 30, ...over };
}

test('resolveWorkers: the switches, the backend, the batch and batch normalization turn it off; a count forces it', () => {
  const models = mlpPair();
  assert.equal(resolveWorkers(context({}, models)).mode, 'auto');
  assert.deepEqual(resolveWorkers(context({}, models)), { mode: 'auto', requested: 'auto', shards: 4, reason: '4 cores, batch 64' });
  assert.equal(resolveWorkers(context({ env: { FINETUNE_FAST_PATHS: '0' } }, models)).mode, 'off');
  assert.equal(resolveWorkers(context({ env: { FINETUNE_WORKERS: '1' } }, models)).mode, 'off');
  assert.equal(resolveWorkers(context({ env: { FINETUNE_WORKERS: '0' }, setting: 3 }, models)).mode, 'off');
  assert.deepEqual(resolveWorkers(context({ env: { FINETUNE_WORKERS: '3' } }, models)), { mode: 'forced', requested: 3, shards: 3, reason: 'FINETUNE_WORKERS=3 forces 3' });
  assert.equal(resolveWorkers(context({ setting: 1 }, models)).mode, 'off');
  assert.equal(resolveWorkers(context({ backend: 'webgpu' }, models)).mode, 'off');
  assert.equal(resolveWorkers(context({ backend: 'tensorflow', setting: 2 }, models)).mode, 'off');
  assert.equal(resolveWorkers(context({ cores: 1 }, models)).mode, 'off');
  assert.equal(resolveWorkers(context({ batchSize: 16 }, models)).mode, 'off');
  assert.equal(resolveWorkers(context({ env: { FINETUNE_TEST: '1' } }, models)).mode, 'off');
  // The MLP's weights are 476 bytes, a replica counts 4× that: half of 8 kB free holds 2 replicas (3 shards); half of 3 kB none.
  assert.equal((resolveWorkers(context({ freeMemory: 8000 }, models)) as { shards: number }).shards, 3);
  assert.match(resolveWorkers(context({ freeMemory: 3000 }, models)).reason, /would not fit/);
  const input = tf.input({ shape: [4] });
  const bn = tf.model({ inputs: input, outputs: tf.layers.batchNormalization().apply(tf.layers.dense({ units: 3 }).apply(input)) as tf.SymbolicTensor });
  assert.match(resolveWorkers(context({ models: { base: bn, head: models.head }, setting: 2 }, models)).mode, /off/);
  // With the base's outputs cached (features), only the head trains: its batch normalization counts, the base's not.
  assert.equal(resolveWorkers(context({ models: { base: bn, head: models.head }, throughBase: false }, models)).mode, 'auto');
  bn.dispose();
  // auto keeps a model with active dropout on one thread (reproducible results); a forced count still splits.
  const dropIn = tf.input({ shape: [4] });
  const dropped = tf.model({ inputs: dropIn, outputs: tf.layers.dropout({ rate: 0.1 }).apply(tf.layers.dense({ units: 3 }).apply(dropIn)) as tf.SymbolicTensor });
  const withDropout = { base: dropped, head: models.head };
  assert.match(resolveWorkers(context({}, withDropout)).reason, /dropout masks.*FINETUNE_WORKERS=2/);
  assert.equal(resolveWorkers(context({}, withDropout)).mode, 'off');
  assert.equal(resolveWorkers(context({ setting: 2 }, withDropout)).mode, 'forced');
  // Features: only the head trains, so the base's dropout does not count.
  assert.equal(resolveWorkers(context({ throughBase: false }, withDropout)).mode, 'auto');
  const rateZeroIn = tf.input({ shape: [4] });
  const rateZero = tf.model({ inputs: rateZeroIn, outputs: tf.layers.dropout({ rate: 0 }).apply(tf.layers.dense({ units: 3 }).apply(rateZeroIn)) as tf.SymbolicTensor });
  assert.equal(resolveWorkers(context({}, { base: rateZero, head: models.head })).mode, 'auto');
  dropped.dispose();
  rateZero.dispose();
  dispose(models);
});

/** ParallelTraining with workers 'auto' on 2 cores over the whole MLP, batch 64; choices and log lines are collected. */
function autoOnTwoCores(
  models: ModelPair,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  backend: 'wasm' | 'cpu',
  choices: WorkersChoice[],
  logs: string[] = [],
  earlier: WorkersChoice | null = null,
): ParallelTraining {
  return new ParallelTraining({
    earlier,
    setting: 'auto',
    batchSize: 64,
    codec: CODEC,
    models,
    throughBase: true,
    x,
    y,
    classWeights: null,
    vars: trainableVariables(models, true),
    log: (_l, m) => logs.push(m),
    chosen: (c) => choices.push(c),
    env: {},
    backend,
    cores: 2,
  });
}

test('auto on resume keeps the choice the run made when it started, without timing again', async () => {
  const models = mlpPair();
  const { x, y } = dataFor('mlp', 64);
  const offChoices: WorkersChoice[] = [];
  const off = autoOnTwoCores(models, x, y, 'cpu', offChoices, [], { requested: 'auto', used: 1, reason: 'a step takes 3 ms on one thread' });
  assert.equal(offChoices.length, 1);
  assert.equal(offChoices[0].used, 1);
  assert.match(offChoices[0].reason, /kept from when the run started \(a step takes 3 ms/);
  assert.equal(await off.poolForStep(), null);
  await off.close();
  const onChoices: WorkersChoice[] = [];
  const on = autoOnTwoCores(models, x, y, 'cpu', onChoices, [], { requested: 'auto', used: 2, reason: '2 shards: 10 ms/step against 20 ms' });
  try {
    assert.notEqual(await on.poolForStep(), null, 'the pool starts before the first step, as when forced');
    assert.equal(onChoices.length, 1);
    assert.equal(onChoices[0].used, 2);
    assert.match(onChoices[0].reason, /kept from when the run started/);
  } finally {
    await on.close();
  }
  assert.equal(liveWorkerThreads(), 0);
  x.dispose();
  y.dispose();
  dispose(models);
});

test('auto: a tiny step stays on one thread and starts no worker', async () => {
  const models = mlpPair();
  const { x, y } = dataFor('mlp', 64);
  const choices: WorkersChoice[] = [];
  const logs: string[] = [];
  const parallel = autoOnTwoCores(models, x, y, 'wasm', choices, logs);
  for (let i = 0; i < 10; i++) {
    assert.equal(await parallel.poolForStep(), null);
    parallel.recordStep(0.5, false);
  }
  assert.equal(choices.length, 1);
  assert.equal(choices[0].used, 1);
  assert.equal(choices[0].singleMsPerStep, 0.5);
  assert.match(choices[0].reason, /under the 8 ms/);
  assert.equal(liveWorkerThreads(), 0);
  await parallel.close();
  x.dispose();
  y.dispose();
  dispose(models);
});

for (const [parallelMs, keep] of [[5, true], [19, false]] as const) {
  test(`auto: after timing 20 ms/step on one thread and ${parallelMs} ms on 2 shards, ${keep ? 'keeps' : 'drops'} the workers`, async () => {
    const models = mlpPair();
    const { x, y } = dataFor('mlp', 64);
    const choices: WorkersChoice[] = [];
    const parallel = autoOnTwoCores(models, x, y, 'cpu', choices);
    try {
      let pool = null;
      let singleSteps = 0;
      // Single-thread steps go on while the worker thread starts in the background.
      for (let i = 0; i < 2000 && pool === null; i++) {
        pool = await parallel.poolForStep();
        if (pool === null) {
          parallel.recordStep(20, false);
          singleSteps += 1;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      assert.ok(pool !== null, 'the pool started');
      assert.ok(singleSteps >= 5, `${singleSteps} single-thread steps (1 warm-up + 4 timed) before the pool`);
      assert.equal(choices.length, 0, 'nothing decided before the parallel steps are timed');
      for (let i = 0; i < 5; i++) parallel.recordStep(parallelMs, true);
      assert.equal(choices.length, 1);
      assert.deepEqual(
        { used: choices[0].used, single: choices[0].singleMsPerStep, parallel: choices[0].parallelMsPerStep },
        { used: keep ? 2 : 1, single: 20, parallel: parallelMs },
      );
      assert.equal((await parallel.poolForStep()) !== null, keep);
    } finally {
      await parallel.close();
    }
    assert.equal(liveWorkerThreads(), 0);
    x.dispose();
    y.dispose();
    dispose(models);
  });
}

test('config: workers is optional, auto or a count ≥ 0', () => {
  const base = makeTrainConfig('/nowhere.csv');
  assert.equal(base.workers, 'auto');
  for (const workers of ['auto', 0, 1, 4, undefined]) assert.ok(isTrainConfig({ ...base, workers }), String(workers));
  for (const workers of [-1, 1.5, 'all', null]) assert.ok(!isTrainConfig({ ...base, workers }), String(workers));
});
