import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FtBidirectionalGru, mergeBidirectionalGruLora, type FtBidirectionalGruArgs } from '../../../src/engine/models/bidirectionalGru';
import { loadLayersModelFromDir, saveLayersModelToDir } from '../../../src/engine/models/fsModelIo';
import { maxAbsDiff, seededNormal, tempDir } from './modelTestUtils';

const T = 7;
const IN = 5;
const UNITS = 4;

/** tfjs's own Bidirectional(GRU) with random weights (bias too), as the independent reference. */
function referenceModel(returnSequences: boolean, recurrentActivation: 'hardSigmoid' | 'sigmoid', seed: number, time = T): tf.LayersModel {
  const input = tf.input({ shape: [time, IN] });
  const bi = tf.layers.bidirectional({
    layer: tf.layers.gru({ units: UNITS, returnSequences, recurrentActivation, activation: 'tanh', name: 'gru_ref' }) as tf.RNN,
    mergeMode: 'concat',
    name: 'bi_ref',
  });
  const model = tf.model({ inputs: input, outputs: bi.apply(input) as tf.SymbolicTensor });
  bi.setWeights(bi.getWeights().map((w, i) => seededNormal(w.shape, seed + i, 0.6)));
  return model;
}

function ftModel(args: FtBidirectionalGruArgs, time = T): { model: tf.LayersModel; layer: FtBidirectionalGru } {
  const input = tf.input({ shape: [time, IN] });
  const layer = new FtBidirectionalGru(args);
  return { model: tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor }), layer };
}

function loraVar(layer: FtBidirectionalGru, suffix: string): tf.LayerVariable {
  const v = layer.weights.find((w) => w.originalName.endsWith(suffix));
  if (v === undefined) throw new Error(`no weight ${suffix}`);
  return v;
}

for (const returnSequences of [true, false]) {
  for (const act of ['hardSigmoid', 'sigmoid'] as const) {
    test(`FtBidirectionalGru equals tfjs Bidirectional(GRU) [returnSequences=${returnSequences}, recurrentActivation=${act}]`, async () => {
      await tf.setBackend('cpu');
      const ref = referenceModel(returnSequences, act, 11);
      const { model, layer } = ftModel({ units: UNITS, returnSequences, recurrentActivation: act, innerLayer: { name: 'gru_ref' }, name: 'bi_ft' });
      layer.setKerasOrderWeights(ref.layers[1].getWeights());
      const x = seededNormal([3, T, IN], 5, 1);
      const want = ref.predict(x) as tf.Tensor;
      const got = model.predict(x) as tf.Tensor;
      assert.deepEqual(got.shape, returnSequences ? [3, T, 2 * UNITS] : [3, 2 * UNITS]);
      assert.ok(maxAbsDiff(want, got) < 1e-5, `max abs diff ${maxAbsDiff(want, got)}`);
    });
  }
}

for (const time of [1, 6, 11]) {
  test(`FtBidirectionalGru gradients (weights and input) equal tfjs Bidirectional(GRU) gradients [time=${time}]`, async () => {
    await tf.setBackend('cpu');
    const ref = referenceModel(true, 'hardSigmoid', 41, time);
    const refLayer = ref.layers[1];
    const { layer } = ftModel({ units: UNITS, name: `bi_grad_${time}` }, time);
    layer.setKerasOrderWeights(refLayer.getWeights());
    // x is a variable too: full fine-tuning sends gradients through the layer into the embedding.
    const x = tf.variable(seededNormal([3, time, IN], 2, 1));
    const probe = seededNormal([3, time, 2 * UNITS], 3, 1);
    // tfjs 4.22's own GRU cannot differentiate w.r.t. a 1-step input (its Unpack gradient fails
    // for one output); FtBidirectionalGru can, checked below for time=1.
    const withX = time > 1;
    const grads = (apply: () => tf.Tensor, vars: tf.LayerVariable[]): tf.Tensor[] => {
      const list = [...vars.map((v) => v.read() as tf.Variable), ...(withX ? [x] : [])];
      const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(apply(), probe)) as tf.Scalar, list);
      value.dispose();
      return list.map((v) => g[v.name]);
    };
    const want = grads(() => refLayer.apply(x) as tf.Tensor, refLayer.trainableWeights);
    const got = grads(() => layer.apply(x) as tf.Tensor, layer.kerasOrderWeights());
    assert.equal(got.length, withX ? 7 : 6);
    if (!withX) {
      const gx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, probe)))(x);
      assert.deepEqual(gx.shape, x.shape);
      assert.ok(Number.isFinite(gx.sum().dataSync()[0]));
    }
    want.forEach((w, i) => {
      const scale = Math.max(1, tf.max(tf.abs(w)).dataSync()[0]);
      const diff = maxAbsDiff(w, got[i]);
      assert.ok(diff < 1e-4 * scale, `weight ${i}: diff ${diff} (scale ${scale})`);
    });
  });
}

test('FtBidirectionalGru: weight names, shapes and trainability like Keras (LoRA off)', () => {
  const { layer } = ftModel({ units: UNITS, innerLayer: { name: 'gru_1' }, name: 'bidirectional_x' });
  assert.deepEqual(
    layer.weights.map((w) => `${w.originalName}:${w.shape.join('x')}`),
    [
      'bidirectional_x/forward_gru_1/kernel:5x12',
      'bidirectional_x/forward_gru_1/recurrent_kernel:4x12',
      'bidirectional_x/forward_gru_1/bias:12',
      'bidirectional_x/backward_gru_1/kernel:5x12',
      'bidirectional_x/backward_gru_1/recurrent_kernel:4x12',
      'bidirectional_x/backward_gru_1/bias:12',
    ],
  );
  assert.equal(layer.trainableWeights.length, 6);
  // Merging a layer without LoRA hands out copies: disposing them leaves the layer intact.
  const { weights } = mergeBidirectionalGruLora(layer);
  tf.dispose(weights);
  const before = tf.memory().numTensors;
  const y = layer.apply(tf.ones([1, T, IN])) as tf.Tensor;
  assert.deepEqual(y.shape, [1, T, 2 * UNITS]);
  y.dispose();
  assert.equal(tf.memory().numTensors, before + 1, 'no tensors leak from call() (the +1 is the input)');
  assert.throws(() => new FtBidirectionalGru({ units: 0 }), /units/);
  assert.throws(() => new FtBidirectionalGru({ units: 2, loraDropout: 1 }), /loraDropout/);
});

test('FtBidirectionalGru LoRA: B = 0 equals the base; only LoRA weights are trainable', async () => {
  await tf.setBackend('cpu');
  const ref = referenceModel(true, 'hardSigmoid', 21);
  const { model, layer } = ftModel({ units: UNITS, loraRank: 2, loraAlpha: 4, loraSeed: 7, innerLayer: { name: 'g' }, name: 'bi_lora0' });
  layer.setKerasOrderWeights(ref.layers[1].getWeights());
  const x = seededNormal([2, T, IN], 6, 1);
  assert.ok(maxAbsDiff(ref.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor) < 1e-5);
  assert.deepEqual(
    layer.trainableWeights.map((w) => w.originalName.replace('bi_lora0/', '')),
    [
      'forward_g/lora_kernel_a',
      'forward_g/lora_kernel_b',
      'forward_g/lora_recurrent_kernel_a',
      'forward_g/lora_recurrent_kernel_b',
      'backward_g/lora_kernel_a',
      'backward_g/lora_kernel_b',
      'backward_g/lora_recurrent_kernel_a',
      'backward_g/lora_recurrent_kernel_b',
    ],
  );
  assert.equal(layer.nonTrainableWeights.length, 6);
  // A is seeded random normal (std 1/r), different per matrix; B is zero.
  const a1 = loraVar(layer, 'forward_g/lora_kernel_a').read();
  const a2 = loraVar(layer, 'backward_g/lora_kernel_a').read();
  assert.ok(maxAbsDiff(a1, a2) > 0.01);
  assert.equal(tf.max(tf.abs(loraVar(layer, 'forward_g/lora_kernel_b').read())).dataSync()[0], 0);
  const again = ftModel({ units: UNITS, loraRank: 2, loraAlpha: 4, loraSeed: 7, innerLayer: { name: 'g' }, name: 'bi_lora0b' });
  assert.equal(maxAbsDiff(a1, loraVar(again.layer, 'forward_g/lora_kernel_a').read()), 0, 'same seed, same A');
});

function randomizeLoraB(layer: FtBidirectionalGru, seed: number): void {
  layer.weights
    .filter((w) => w.originalName.endsWith('_b'))
    .forEach((w, i) => w.write(seededNormal(w.shape as number[], seed + i, 0.3)));
}

test('FtBidirectionalGru LoRA: after random B, merged (loraRank 0) == unmerged; dropout acts in training only', async () => {
  await tf.setBackend('cpu');
  const ref = referenceModel(true, 'hardSigmoid', 31);
  const { model, layer } = ftModel({ units: UNITS, loraRank: 3, loraAlpha: 6, loraDropout: 0.5, loraSeed: 1, name: 'bi_merge' });
  layer.setKerasOrderWeights(ref.layers[1].getWeights());
  randomizeLoraB(layer, 100);
  const x = seededNormal([2, T, IN], 8, 1);
  const unmerged = model.predict(x) as tf.Tensor;
  assert.ok(maxAbsDiff(unmerged, ref.predict(x) as tf.Tensor) > 1e-3, 'LoRA changes the output');
  const { config, weights } = mergeBidirectionalGruLora(layer);
  assert.equal(config['loraRank'], 0);
  const merged = ftModel(FtBidirectionalGru.fromConfig(FtBidirectionalGru, config).getConfig() as unknown as FtBidirectionalGruArgs);
  assert.equal(merged.layer.loraRank, 0);
  merged.layer.setKerasOrderWeights(weights);
  const diff = maxAbsDiff(unmerged, merged.model.predict(x) as tf.Tensor);
  assert.ok(diff < 1e-5, `merged vs unmerged ${diff}`);
  // training=true with loraDropout 0.5 changes the LoRA branch; training=false does not.
  const inference = layer.apply(x, { training: false }) as tf.Tensor;
  const training = layer.apply(x, { training: true }) as tf.Tensor;
  assert.equal(maxAbsDiff(inference, unmerged), 0);
  assert.ok(maxAbsDiff(training, unmerged) > 1e-4);
});

test('FtBidirectionalGru LoRA: save → load round trip gives identical outputs and config (odd inner name kept)', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('bigru');
  try {
    const { model, layer } = ftModel({ units: UNITS, returnSequences: false, loraRank: 2, loraAlpha: 2, loraSeed: 3, innerLayer: { name: 'my_GRU_layer' }, name: 'bi_rt' });
    randomizeLoraB(layer, 200);
    await saveLayersModelToDir(model, dir);
    const back = await loadLayersModelFromDir(dir);
    const loaded = back.getLayer('bi_rt');
    assert.ok(loaded instanceof FtBidirectionalGru);
    assert.equal(loaded.innerName, 'my_GRU_layer');
    assert.deepEqual(
      [loaded.loraRank, loaded.loraAlpha, loaded.loraSeed, loaded.returnSequences, loaded.recurrentActivation],
      [2, 2, 3, false, 'hardSigmoid'],
    );
    assert.deepEqual(loaded.trainableWeights.map((w) => w.originalName), layer.trainableWeights.map((w) => w.originalName));
    const x = seededNormal([2, T, IN], 9, 1);
    assert.equal(maxAbsDiff(model.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor), 0);
  } finally {
    cleanup();
  }
});

test('FtBidirectionalGru LoRA: training changes only the LoRA weights (gradients through autodiff)', async () => {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [T, IN] });
  const layer = new FtBidirectionalGru({ units: UNITS, loraRank: 2, loraAlpha: 2, name: 'bi_train' });
  const pooled = tf.layers.globalAveragePooling1d({}).apply(layer.apply(input));
  const out = tf.layers.dense({ units: 1, name: 'train_out', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(pooled);
  const model = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
  const before = new Map(layer.weights.map((w) => [w.originalName, w.read().clone()]));
  const x = seededNormal([8, T, IN], 12, 1);
  const y = seededNormal([8, 1], 13, 1);
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, shuffle: false });
  const changed = layer.weights.filter((w) => maxAbsDiff(w.read(), before.get(w.originalName) as tf.Tensor) > 0).map((w) => w.originalName);
  assert.deepEqual(changed.sort(), layer.trainableWeights.map((w) => w.originalName).sort(), 'exactly the LoRA A and B weights moved');
  assert.ok(changed.every((n) => n.includes('/lora_')));
});
