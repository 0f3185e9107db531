// A tiny Keras-format LSTM text classifier (Embedding → Bidirectional(LSTM) → LSTM → avg+max pool →
// Dense), built with tf.layers and saved to a temporary folder with its word index, through the
// text-model path (loadKerasTextBase): its LSTM layers become FtBidirectionalLstm and FtLstm with
// the Keras weights unchanged, it predicts what the original predicts (fast paths on and off) and
// saves and loads back; LoRA (the default targets: both LSTM layers) and an adapter train on it,
// and a step's gradients match those of the stock path (FINETUNE_FAST_PATHS=0), and for LoRA's
// first step the chain rule through the original tf.layers model's own kernel gradients.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { FtBidirectionalLstm } from '../../../src/engine/models/bidirectionalLstm';
import { FtLstm } from '../../../src/engine/models/lstm';
import { loadLayersModelFromDir, saveLayersModelToDir } from '../../../src/engine/models/fsModelIo';
import { convertBidirectionalGrus, loadKerasTextBase, rewriteTopologyForFtGru, unsupportedBidirectionalLstmReason, unsupportedLstmReason } from '../../../src/engine/models/textModel';
import { buildHead, composeModel } from '../../../src/engine/models/head';
import { applyTechnique, type TechniqueOptions } from '../../../src/engine/techniques/applyTechnique';
import { mergeLora } from '../../../src/engine/techniques/mergeLora';
import { fusedLstmCounts } from '../../../src/engine/backends/fastPaths/fusedLstm';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';
import type { BaseModelBundle } from '../../../src/engine/models/modelTypes';
import { examples, maxAbsDiff, tempDir } from '../models/modelTestUtils';
import { assertClose, seededTensor, usePath, type LstmPath } from './fastPathsLstmCompare';

const VOCAB = 20;
const TIME = 10;
const WORDS = ['good', 'bad', 'great', 'awful', 'fine', 'movie', 'plot', 'acting', 'boring', 'fun', 'slow', 'loved', 'hated', 'the', 'a', 'it', 'was', 'and', 'not'];
const TEXTS = ['the movie was great fun', 'awful and boring plot', 'loved it', 'hated the acting it was slow', 'not bad', 'a fine movie and great acting'];
const LABELS = [1, 0, 1, 0, 1, 1];

let dir = '';
let cleanup = (): void => undefined;

/** The user's model, as Keras (through tfjs) saves it. */
function kerasModel(): tf.LayersModel {
  const ids = tf.input({ shape: [TIME], name: 'ids' });
  const emb = tf.layers.embedding({ inputDim: VOCAB, outputDim: 6, name: 'embedding_1' }).apply(ids) as tf.SymbolicTensor;
  const bi = tf.layers
    .bidirectional({ layer: tf.layers.lstm({ units: 4, returnSequences: true, name: 'lstm_1' }), mergeMode: 'concat', name: 'bidirectional_1' })
    .apply(emb) as tf.SymbolicTensor;
  const uni = tf.layers.lstm({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid', name: 'lstm_2' }).apply(bi) as tf.SymbolicTensor;
  const pooled = tf.layers.concatenate().apply([
    tf.layers.globalAveragePooling1d().apply(uni) as tf.SymbolicTensor,
    tf.layers.globalMaxPooling1d().apply(uni) as tf.SymbolicTensor,
  ]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'dense_1' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: out, name: 'lstm_text' });
  model.weights.forEach((w, i) => w.write(seededTensor(w.shape as number[], 500 + i, 0.6)));
  return model;
}

/** The original's features: its input to the input of dense_1. */
function originalFeatures(original: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: original.inputs, outputs: original.getLayer('dense_1').input as tf.SymbolicTensor });
}

before(async () => {
  registerSegmentSumKernels();
  await tf.setBackend('wasm');
  ({ dir, cleanup } = tempDir('lstm-text'));
  const model = kerasModel();
  await saveLayersModelToDir(model, dir);
  writeFileSync(join(dir, 'word_index.json'), JSON.stringify(Object.fromEntries(WORDS.map((w, i) => [w, i + 1]))));
  model.dispose();
});
after(() => cleanup());

async function load(): Promise<{ bundle: BaseModelBundle; original: tf.LayersModel; x: tf.Tensor; y: tf.Tensor }> {
  const bundle = await loadKerasTextBase(dir, 'lstm-text', TIME);
  const original = await loadLayersModelFromDir(dir);
  const x = bundle.encoder.encode(examples(TEXTS.map((text) => ({ text }))));
  const y = tf.oneHot(tf.tensor1d(LABELS, 'int32'), 2);
  return { bundle, original, x, y };
}

test('a Keras LSTM text model loads through the text-model path: LSTM layers swapped, same weights, same predictions', async () => {
  await tf.setBackend('wasm');
  const { bundle, original, x } = await load();
  const base = bundle.base;
  assert.ok(base.getLayer('bidirectional_1') instanceof FtBidirectionalLstm);
  assert.ok(base.getLayer('lstm_2') instanceof FtLstm);
  assert.deepEqual(bundle.defaults, { loraTargets: ['bidirectional_1', 'lstm_2'], adapterAfter: ['lstm_2'] });
  assert.equal(bundle.featureSize, 6);
  const want = originalFeatures(original).predict(x) as tf.Tensor;
  for (const path of ['stock', 'wasm', 'ts'] as LstmPath[]) {
    const restore = usePath(path);
    const calls = fusedLstmCounts.forward;
    const got = base.predict(x) as tf.Tensor;
    restore();
    assert.equal(fusedLstmCounts.forward > calls, path !== 'stock', `${path}: fused op ran exactly when on`);
    assert.ok(maxAbsDiff(want, got) < 1e-5, `${path}: features diff ${maxAbsDiff(want, got)}`);
  }
  // The whole converted model (its Dense head too), and after a save and load (registered classes).
  const { model: converted, converted: names, kept } = await convertBidirectionalGrus(original);
  assert.deepEqual(names, ['bidirectional_1', 'lstm_2']);
  assert.deepEqual(kept, []);
  const wantProbs = original.predict(x) as tf.Tensor;
  assert.ok(maxAbsDiff(wantProbs, converted.predict(x) as tf.Tensor) < 1e-5);
  const { dir: saved, cleanup: done } = tempDir('lstm-saved');
  try {
    await saveLayersModelToDir(converted, saved);
    const reloaded = await loadLayersModelFromDir(saved);
    assert.ok(reloaded.getLayer('bidirectional_1') instanceof FtBidirectionalLstm);
    assert.ok(maxAbsDiff(wantProbs, reloaded.predict(x) as tf.Tensor) < 1e-5);
    reloaded.dispose();
  } finally {
    done();
  }
  converted.dispose();
  original.dispose();
});

function techniqueOptions(bundle: BaseModelBundle): TechniqueOptions {
  return {
    lora: { rank: 2, alpha: 4, dropout: 0, targets: [] },
    adapter: { size: 4, activation: 'tanh', after: [] },
    seed: 7,
    defaults: bundle.defaults,
  };
}

/** Cross-entropy of the composed model on (x, y). */
function lossOf(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): () => tf.Scalar {
  return () => tf.losses.softmaxCrossEntropy(y, tf.log(tf.clipByValue(model.apply(x, { training: true }) as tf.Tensor, 1e-7, 1))) as tf.Scalar;
}

/** Loss and gradients of every trainable weight on `path`. */
function stepGrads(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, path: LstmPath): { loss: number; grads: Float32Array[] } {
  const restore = usePath(path);
  try {
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(lossOf(model, x, y), vars);
    const out = { loss: value.dataSync()[0], grads: vars.map((v) => Float32Array.from(grads[v.name].dataSync())) };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    restore();
  }
}

/** Compares gradients; a gradient that is exactly zero in the reference (LoRA's A, adapters' down at init) must be ~zero. */
function compareGrads(got: { loss: number; grads: Float32Array[] }, want: { loss: number; grads: Float32Array[] }, names: string[], what: string): void {
  assert.ok(Math.abs(got.loss - want.loss) <= 1e-5 * Math.abs(want.loss), `${what}: loss ${got.loss} vs ${want.loss}`);
  want.grads.forEach((g, i) => {
    if (g.every((v) => v === 0)) assert.ok(got.grads[i].every((v) => Math.abs(v) < 1e-7), `${what}: ${names[i]} zero`);
    else assertClose(got.grads[i], g, `${what}: gradient of ${names[i]}`);
  });
}

/** Trains a few SGD steps on the fused path, comparing each step's gradients with the stock path's. */
function trainAndCompare(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, what: string): number[] {
  const names = model.trainableWeights.map((w) => w.originalName);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  for (let step = 0; step < 4; step++) {
    const stock = stepGrads(model, x, y, 'stock');
    for (const path of ['wasm', 'ts'] as LstmPath[]) compareGrads(stepGrads(model, x, y, path), stock, names, `${what} step ${step} [${path}]`);
    losses.push(stock.loss);
    tf.tidy(() => vars.forEach((v, i) => v.assign(tf.sub(v, tf.mul(0.5, tf.tensor(stock.grads[i], v.shape))))));
  }
  return losses;
}

test('LoRA on both LSTM layers: the first step matches the chain rule through the original model, every step matches the stock path', async () => {
  await tf.setBackend('wasm');
  const { bundle, original, x, y } = await load();
  const lora = await applyTechnique(bundle.base, 'lora', techniqueOptions(bundle));
  const head = buildHead(bundle.featureSize, { task: 'classification', classes: 2 }, 3);
  const model = composeModel(lora, head);
  const layers = ['bidirectional_1', 'lstm_2'].map((n) => lora.getLayer(n));
  assert.ok(layers[0] instanceof FtBidirectionalLstm && layers[0].loraRank === 2);
  assert.ok(layers[1] instanceof FtLstm && layers[1].loraRank === 2);
  assert.equal(model.trainableWeights.length, 8 + 4 + 2, 'A, B of 2 kernels × 3 directions, and the head');
  // The original (stock tf.layers) model with the same head: its kernel gradients dW give LoRA's
  // first-step gradients dB = s·Aᵀ·dW (B = 0, so W_eff = W and dA = 0).
  const reference = composeModel(originalFeatures(original), head);
  const refKernels = ['bidirectional_1', 'lstm_2'].flatMap((n) => original.getLayer(n).trainableWeights.filter((w) => !w.originalName.endsWith('bias')));
  const { grads: refGrads } = tf.variableGrads(lossOf(reference, x, y), refKernels.map((w) => w.read() as tf.Variable));
  const loraVars = layers.flatMap((l) => l.trainableWeights);
  assert.equal(loraVars.length, 2 * refKernels.length);
  const first = stepGrads(model, x, y, 'wasm');
  refKernels.forEach((w, k) => {
    const dW = refGrads[(w.read() as tf.Variable).name] as tf.Tensor2D;
    const a = loraVars[2 * k].read() as tf.Tensor2D;
    const dB = tf.mul(2, tf.matMul(a, dW, true, false)); // s = alpha / r = 2
    const at = model.trainableWeights.findIndex((v) => v === loraVars[2 * k + 1]);
    assertClose(first.grads[at], dB.dataSync(), `first step: d ${loraVars[2 * k + 1].originalName} = s·Aᵀ·d ${w.originalName}`);
    const atA = model.trainableWeights.findIndex((v) => v === loraVars[2 * k]);
    assert.ok(first.grads[atA].every((v) => v === 0), 'dA = 0 while B = 0');
  });
  const losses = trainAndCompare(model, x, y, 'lora');
  assert.ok(losses.every(Number.isFinite) && losses[3] < losses[0], `loss decreases: ${losses.join(', ')}`);
  // Merging the trained LoRA into the kernels gives plain layers (rank 0) computing the same.
  const merged = await mergeLora(lora);
  for (const n of ['bidirectional_1', 'lstm_2']) {
    const l = merged.getLayer(n);
    assert.ok((l instanceof FtBidirectionalLstm || l instanceof FtLstm) && l.loraRank === 0, n);
  }
  const before = lora.predict(x) as tf.Tensor;
  assert.ok(maxAbsDiff(before, merged.predict(x) as tf.Tensor) < 1e-5 && maxAbsDiff(before, bundle.base.predict(x) as tf.Tensor) > 1e-4, 'merged = trained, not the base');
  merged.dispose();
  original.dispose();
});

test('an adapter after the last LSTM: the gradients of every step match the stock path', async () => {
  await tf.setBackend('wasm');
  const { bundle, original, x, y } = await load();
  const adapted = await applyTechnique(bundle.base, 'adapter', techniqueOptions(bundle));
  const model = composeModel(adapted, buildHead(bundle.featureSize, { task: 'classification', classes: 2 }, 4));
  assert.ok(adapted.layers.some((l) => l.getClassName() === 'BottleneckAdapter'));
  assert.ok(!adapted.getLayer('lstm_2').trainable && !adapted.getLayer('bidirectional_1').trainable, 'the base is frozen');
  const losses = trainAndCompare(model, x, y, 'adapter');
  assert.ok(losses.every(Number.isFinite) && losses[3] < losses[0], `loss decreases: ${losses.join(', ')}`);
  original.dispose();
});

test('text model rewrite: unsupported LSTM configs are kept as they are, with the reason', () => {
  const lstm = (over: Record<string, unknown>): Record<string, unknown> => ({ units: 3, activation: 'tanh', recurrent_activation: 'hard_sigmoid', ...over });
  assert.equal(unsupportedLstmReason(lstm({})), null);
  assert.equal(unsupportedLstmReason(lstm({ use_bias: false, recurrent_activation: 'sigmoid' })), null);
  assert.match(unsupportedLstmReason(lstm({ activation: 'relu' })) ?? '', /activation/);
  assert.match(unsupportedLstmReason(lstm({ recurrent_activation: 'tanh' })) ?? '', /recurrent_activation/);
  assert.match(unsupportedLstmReason(lstm({ go_backwards: true })) ?? '', /go_backwards/);
  assert.match(unsupportedLstmReason(lstm({ return_state: true })) ?? '', /return_state/);
  assert.match(unsupportedLstmReason(lstm({ recurrent_dropout: 0.1 })) ?? '', /recurrent_dropout/);
  assert.match(unsupportedBidirectionalLstmReason({ merge_mode: 'sum', layer: { class_name: 'LSTM', config: lstm({}) } }) ?? '', /merge_mode/);
  const topology = (mask: boolean): Record<string, unknown> => ({
    class_name: 'Model',
    config: {
      layers: [
        { name: 'e', class_name: 'Embedding', config: { mask_zero: mask } },
        { name: 'b', class_name: 'Bidirectional', config: { name: 'b', merge_mode: 'concat', layer: { class_name: 'LSTM', config: lstm({ name: 'l1' }) } } },
        { name: 'l', class_name: 'LSTM', config: lstm({ name: 'l', dropout: 0.2 }) },
        { name: 'm', class_name: 'LSTM', config: lstm({ name: 'm', return_sequences: true, unit_forget_bias: false }) },
      ],
    },
  });
  const masked = rewriteTopologyForFtGru(topology(true));
  assert.deepEqual(masked.converted, []);
  assert.equal(masked.kept.length, 3);
  const rewrite = rewriteTopologyForFtGru(topology(false));
  assert.deepEqual(rewrite.converted, ['b', 'm']);
  assert.deepEqual(rewrite.kept, [{ layer: 'l', reason: 'dropout 0.2' }]);
  const layers = (rewrite.topology['config'] as { layers: Array<{ class_name: string; config: Record<string, unknown> }> }).layers;
  assert.equal(layers[1].class_name, 'FtBidirectionalLstm');
  assert.deepEqual(layers[1].config['inner_layer'], { name: 'l1' });
  assert.equal(layers[3].class_name, 'FtLstm');
  assert.equal(layers[3].config['return_sequences'], true);
  assert.equal(layers[3].config['unit_forget_bias'], false);
});
