// Small models and data for the data-parallel training tests: a dropout-free MLP and an
// nn-sentiment-shaped text model (Embedding → FtBidirectionalGru → avg/max pooling) with LoRA on
// the GRU, plus the full-batch reference gradient and a relative comparison.

import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { applyTechnique } from '../../../src/engine/techniques/applyTechnique';
import { FtBidirectionalGru } from '../../../src/engine/models/bidirectionalGru';
import { buildHead } from '../../../src/engine/models/head';
import { batchLoss, forward, type ModelPair } from '../../../src/engine/training/forward';
import { trainableVariables } from '../../../src/engine/training/trainer';
import type { LabelCodec } from '../../../src/engine/training/labels';

type Sym = tf.SymbolicTensor;

export const CODEC: LabelCodec = { task: 'text-classification', classes: ['a', 'b', 'c'], scaling: null };

/** Dense 6 → 8 (relu) → 5 (tanh) base, a softmax head over 3 classes; seeded, so two builds are equal. */
export function mlpPair(): ModelPair {
  const input = tf.input({ shape: [6] });
  const init = (seed: number): ReturnType<typeof tf.initializers.randomNormal> => tf.initializers.randomNormal({ stddev: 0.5, seed });
  let x = tf.layers.dense({ name: 'd1', units: 8, activation: 'relu', kernelInitializer: init(1), biasInitializer: init(2) }).apply(input) as Sym;
  x = tf.layers.dense({ name: 'd2', units: 5, activation: 'tanh', kernelInitializer: init(3), biasInitializer: init(4) }).apply(x) as Sym;
  return { base: tf.model({ inputs: input, outputs: x }), head: buildHead(5, { task: 'classification', classes: 3 }, 7) };
}

export const SEQ = 7;

/** Embedding(40, 5) → FtBidirectionalGru(4) → [avg, max] = 16 features, LoRA on the GRU, every trainable weight moved off its start. */
export async function sentimentLoraPair(): Promise<ModelPair> {
  const input = tf.input({ shape: [SEQ], name: 'tokens' });
  const emb = tf.layers.embedding({ name: 'embedding', inputDim: 40, outputDim: 5, embeddingsInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 }) }).apply(input) as Sym;
  const gru = new FtBidirectionalGru({ name: 'bigru', units: 4, returnSequences: true }).apply(emb) as Sym;
  const avg = tf.layers.globalAveragePooling1d({ name: 'avg' }).apply(gru) as Sym;
  const max = tf.layers.globalMaxPooling1d({ name: 'max' }).apply(gru) as Sym;
  const plain = tf.model({ inputs: input, outputs: tf.layers.concatenate({ name: 'features' }).apply([avg, max]) as Sym });
  const base = await applyTechnique(plain, 'lora', {
    lora: { rank: 2, alpha: 4, dropout: 0, targets: ['bigru'] },
    adapter: { size: 3, activation: 'relu', after: [] },
    seed: 5,
    defaults: { loraTargets: [], adapterAfter: [] },
  });
  if (base !== plain) plain.dispose();
  // Seeded values for every weight: two builds are equal (the GRU's own initializers are not
  // seeded), and LoRA's B, which starts at zero and would zero A's gradient, moves.
  base.weights.forEach((w, i) => w.write(tf.randomNormal(w.read().shape, 0, 0.3, 'float32', 11 + i)));
  return { base, head: buildHead(16, { task: 'classification', classes: 3 }, 3) };
}

/** `rows` examples: tabular inputs (width 6) or token ids (SEQ of 1..39), one-hot targets over 3 classes. */
export function dataFor(kind: 'mlp' | 'text', rows: number, seed = 3): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = kind === 'mlp' ? tf.randomNormal([rows, 6], 0, 1, 'float32', seed) : tf.floor(tf.randomUniform([rows, SEQ], 1, 40, 'float32', seed));
    const labels = tf.tensor1d(Array.from({ length: rows }, (_, i) => (i * 7 + seed) % 3), 'int32');
    return { x: x as tf.Tensor2D, y: tf.oneHot(labels, 3).toFloat() as tf.Tensor2D };
  });
}

/** The full batch's loss and gradient per variable name, through batchLoss (the single-thread step). */
export function fullBatchGradients(models: ModelPair, x: tf.Tensor, y: tf.Tensor2D, classWeights: number[] | null): { loss: number; grads: Map<string, Float32Array> } {
  const vars = trainableVariables(models, true);
  const w = classWeights === null ? null : tf.tensor1d(classWeights);
  const { value, grads } = tf.variableGrads(() => batchLoss(CODEC, forward(models, x, true, true, 1), y, w), vars.map((v) => v.variable));
  const out = { loss: value.dataSync()[0], grads: new Map(vars.map((v) => [v.name, grads[v.variable.name].dataSync() as Float32Array])) };
  tf.dispose([value, w, ...Object.values(grads)].filter((t): t is tf.Tensor => t !== null));
  return out;
}

/** Every value within relative 1e-4 of the reference's largest magnitude. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, what);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  assert.ok(scale > 0, `${what}: the reference is not all zero`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance * scale + 1e-7, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}
