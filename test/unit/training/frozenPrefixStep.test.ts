// One training step with and without the frozen-prefix cache gives the same loss and gradients
// (relative 1e-4), on an nn-sentiment-shaped model with an adapter after its bidirectional GRU
// (and with LoRA on the GRU), a Dense stack with LoRA on its top layer, and a prefix ending in
// an active dropout (same masks: the dropout runs in the upper part with the step's seed).
// Gradients are compared against the stock path (the whole base run at every step).

import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { applyTechnique, type TechniqueOptions } from '../../../src/engine/techniques/applyTechnique';
import { FtBidirectionalGru } from '../../../src/engine/models/bidirectionalGru';
import { HfDropout } from '../../../src/engine/models/hf/hfDropout';
import { buildHead } from '../../../src/engine/models/head';
import { batchLoss, forward, predictRows, type ModelPair } from '../../../src/engine/training/forward';
import { trainableVariables } from '../../../src/engine/training/trainer';
import { computeFrozenOutputs } from '../../../src/engine/training/frozenOutputs';
import { disposePlan, planFrozenPrefix, type FrozenPrefixPlan } from '../../../src/engine/training/frozenPrefixCache';
import { findPrefixCut } from '../../../src/engine/training/frozenPrefixGraph';
import { buildPrefixModels } from '../../../src/engine/training/frozenPrefixModels';
import type { LabelCodec } from '../../../src/engine/training/labels';
import type { TechniqueName } from '../../../src/protocol/configTypes';

type Sym = tf.SymbolicTensor;

before(async () => {
  await tf.setBackend('cpu');
});

const CODEC: LabelCodec = { task: 'text-classification', classes: ['a', 'b', 'c'], scaling: null };
const SEQ = 7;

function options(loraTargets: string[], adapterAfter: string[], dropout = 0): TechniqueOptions {
  return {
    lora: { rank: 2, alpha: 4, dropout, targets: loraTargets },
    adapter: { size: 3, activation: 'relu', after: adapterAfter },
    seed: 5,
    defaults: { loraTargets: [], adapterAfter: [] },
  };
}

/** Embedding(40, 5) → FtBidirectionalGru(4) → [avg, max] pooled = 16 features (nn-sentiment's shape, small). */
function sentimentBase(): tf.LayersModel {
  const input = tf.input({ shape: [SEQ], name: 'tokens' });
  const emb = tf.layers.embedding({ name: 'embedding', inputDim: 40, outputDim: 5, embeddingsInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 }) }).apply(input) as Sym;
  const gru = new FtBidirectionalGru({ name: 'bigru', units: 4, returnSequences: true }).apply(emb) as Sym;
  const avg = tf.layers.globalAveragePooling1d({ name: 'avg' }).apply(gru) as Sym;
  const max = tf.layers.globalMaxPooling1d({ name: 'max' }).apply(gru) as Sym;
  return tf.model({ inputs: input, outputs: tf.layers.concatenate({ name: 'features' }).apply([avg, max]) as Sym });
}

/** Dense 6 → 8 → 8 → 6, with an optional active dropout after the first layer. */
function denseBase(dropout: number): tf.LayersModel {
  const input = tf.input({ shape: [6], name: 'x' });
  let x = tf.layers.dense({ name: 'd1', units: 8, activation: 'relu' }).apply(input) as Sym;
  if (dropout > 0) x = new HfDropout({ name: 'drop', rate: dropout }).apply(x) as Sym;
  x = tf.layers.dense({ name: 'd2', units: 8, activation: 'tanh' }).apply(x) as Sym;
  x = tf.layers.dense({ name: 'top', units: 6 }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: x });
}

/** Moves every trainable weight off its initial value (LoRA B and adapter up start at zero: their gradients would hide the rest). */
function perturbTrainable(model: tf.LayersModel, seed: number): void {
  model.trainableWeights.forEach((w, i) => w.write(tf.randomNormal(w.shape.map((d) => d ?? 1), 0, 0.3, 'float32', seed + i)));
}

async function prepared(base: tf.LayersModel, technique: TechniqueName, opts: TechniqueOptions, features: number): Promise<ModelPair> {
  const model = await applyTechnique(base, technique, opts);
  base.dispose();
  perturbTrainable(model, 11);
  return { base: model, head: buildHead(features, { task: 'classification', classes: 3 }, 3) };
}

function stepOf(models: ModelPair, x: tf.Tensor, y: tf.Tensor2D, seed: number): { loss: number; grads: Map<string, Float32Array> } {
  const vars = trainableVariables(models, true);
  const { value, grads } = tf.variableGrads(() => batchLoss(CODEC, forward(models, x, true, true, seed), y, null), vars.map((v) => v.variable));
  const result = { loss: value.dataSync()[0], grads: new Map(vars.map((v) => [v.name, grads[v.variable.name].dataSync() as Float32Array])) };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  assert.ok(scale > 0, `${what}: the reference gradient is not all zero`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-4 * scale + 1e-7, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

async function compareStep(models: ModelPair, plan: FrozenPrefixPlan, x: tf.Tensor2D, y: tf.Tensor2D, seed: number): Promise<void> {
  const cache = await computeFrozenOutputs({ model: plan.prefix, rows: x.shape[0], batchSize: 3, inputOf: (s, e) => x.slice([s, 0], [e - s, x.shape[1]]), emptyShape: [] });
  const stock = stepOf(models, x, y, seed);
  const cachedModels = { base: plan.upper, head: models.head };
  const cached = stepOf(cachedModels, cache, y, seed);
  assert.ok(Math.abs(cached.loss - stock.loss) <= 1e-4 * Math.abs(stock.loss), `loss ${cached.loss} vs ${stock.loss}`);
  assert.deepEqual([...cached.grads.keys()].sort(), [...stock.grads.keys()].sort(), 'the same variable names');
  for (const [name, g] of stock.grads) assertClose(cached.grads.get(name) as Float32Array, g, name);
  // Validation through the cache gives what predict of the whole model gives.
  const viaCache = await predictRows(cachedModels, cache as tf.Tensor2D, true, 4);
  const stockRows = await predictRows(models, x, true, 4);
  viaCache.forEach((row, i) => assertClose(row, stockRows[i], `prediction row ${i}`));
  cache.dispose();
}

function tokens(rows: number): tf.Tensor2D {
  return tf.tensor2d(Array.from({ length: rows * SEQ }, (_, i) => (i * 7 + 3) % 40), [rows, SEQ]);
}

function targets(rows: number): tf.Tensor2D {
  return tf.oneHot(tf.tensor1d(Array.from({ length: rows }, (_, i) => i % 3), 'int32'), 3).toFloat() as tf.Tensor2D;
}

test('nn-sentiment shape, adapter after the GRU: the prefix is embedding + GRU, same loss and gradients', async () => {
  const models = await prepared(sentimentBase(), 'adapter', options([], ['bigru']), 16);
  const { plan } = planFrozenPrefix({ base: models.base, technique: 'adapter', mode: 'auto', rows: 8 });
  assert.ok(plan !== null);
  assert.equal(plan.cut.lastLayer, 'bigru');
  assert.deepEqual(plan.cut.tensor.shape, [null, SEQ, 8]);
  await compareStep(models, plan, tokens(8), targets(8), 123);
  disposePlan(plan);
  models.base.dispose();
  models.head.dispose();
});

test('nn-sentiment shape, LoRA on the GRU: not cached (a lookup alone), and the cut at the embedding is exact', async () => {
  const models = await prepared(sentimentBase(), 'lora', options(['bigru'], []), 16);
  // The planner does not cache a lookup alone (it would save nothing)…
  const skipped = planFrozenPrefix({ base: models.base, technique: 'lora', mode: 'auto', rows: 8 });
  assert.equal(skipped.plan, null);
  assert.match(skipped.line ?? '', /only a lookup \(up to 'embedding'\)/);
  // …but the cut there is exact all the same.
  const found = findPrefixCut(models.base, 'auto');
  assert.ok(found.kind === 'cut');
  assert.equal(found.cut.lastLayer, 'embedding');
  const plan = { ...buildPrefixModels(models.base, found.cut), cut: found.cut, mode: 'auto' as const, bytesPerRow: 0, bytes: 0 };
  await compareStep(models, plan, tokens(8), targets(8), 77);
  disposePlan(plan);
  models.base.dispose();
  models.head.dispose();
});

const denseX = (rows: number): tf.Tensor2D => tf.randomNormal([rows, 6], 0, 1, 'float32', 9) as tf.Tensor2D;

/** The Dense stack (dropout rate `dropout`) with LoRA on its top layer and its frozen-prefix plan for 10 rows, cut after `lastLayer`. */
async function densePlan(dropout: number, mode: 'auto' | 'inference', lastLayer: string): Promise<{ models: ModelPair; plan: FrozenPrefixPlan }> {
  const models = await prepared(denseBase(dropout), 'lora', options(['top'], []), 6);
  const { plan } = planFrozenPrefix({ base: models.base, technique: 'lora', mode, rows: 10 });
  assert.ok(plan !== null);
  assert.equal(plan.cut.lastLayer, lastLayer);
  return { models, plan };
}

test('Dense stack with LoRA on the top layer: same loss and gradients', async () => {
  const { models, plan } = await densePlan(0, 'auto', 'd2');
  await compareStep(models, plan, denseX(10), targets(10), 5);
  disposePlan(plan);
  models.base.dispose();
  models.head.dispose();
});

test('a prefix ending in an active dropout: cut below it, the same masks at each step, same gradients', async () => {
  const { models, plan } = await densePlan(0.4, 'auto', 'd1');
  assert.ok(plan.upper.layers.some((l) => l.name === 'drop'), 'the dropout runs in the upper part');
  for (const seed of [1, 2]) await compareStep(models, plan, denseX(10), targets(10), seed);
  // The masks matter: two seeds give different losses (so the comparison above saw dropout at work).
  const x = denseX(10);
  const y = targets(10);
  assert.notEqual(stepOf(models, x, y, 1).loss, stepOf(models, x, y, 2).loss);
  disposePlan(plan);
  models.base.dispose();
  models.head.dispose();
});

test("'inference' caches a stochastic prefix in inference mode: the step equals the stock step with that dropout off", async () => {
  const { models, plan } = await densePlan(0.4, 'inference', 'd2');
  const x = denseX(10);
  const y = targets(10);
  const cache = await computeFrozenOutputs({ model: plan.prefix, rows: 10, batchSize: 4, inputOf: (s, e) => x.slice([s, 0], [e - s, 6]), emptyShape: [] });
  const cached = stepOf({ base: plan.upper, head: models.head }, cache, y, 3);
  // Reference: the same weights in a model without the dropout layer.
  const plain = await prepared(denseBase(0), 'lora', options(['top'], []), 6);
  plain.base.setWeights(models.base.getWeights());
  plain.head.setWeights(models.head.getWeights());
  const reference = stepOf(plain, x, y, 3);
  assert.ok(Math.abs(cached.loss - reference.loss) <= 1e-4 * Math.abs(reference.loss));
  for (const [name, g] of reference.grads) assertClose(cached.grads.get(name) as Float32Array, g, name);
  cache.dispose();
  disposePlan(plan);
  for (const m of [models, plain]) {
    m.base.dispose();
    m.head.dispose();
  }
});
