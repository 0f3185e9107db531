import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadMobileNetBase } from '../../../src/engine/models/mobileNetBase';
import { automaticImageSize, DEFAULT_CUT_LAYER, parseKerasModelConfig, planBackbone } from '../../../src/engine/models/mobileNetGraph';
import { decodeMobileNetWeights, readMobileNetSource } from '../../../src/engine/models/mobileNetSource';
import { UserError } from '../../../src/engine/userError';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

test('the packaged weights are dequantised as the manifest says: q·scale + min', () => {
  const source = readMobileNetSource();
  const first = source.weightSpecs[0];
  assert.equal(first.name, 'Conv1/kernel');
  const q = first.quantization;
  assert.ok(q && q.dtype === 'uint8' && q.scale !== undefined && q.min !== undefined);
  const count = first.shape.reduce((a, b) => a * b, 1);
  const raw = new Uint8Array(source.weightData, 0, count);
  const decoded = decodeMobileNetWeights(source);
  try {
    const values = decoded['Conv1/kernel'].dataSync();
    for (let i = 0; i < count; i++) assert.ok(Math.abs(values[i] - (raw[i] * (q.scale ?? 0) + (q.min ?? 0))) < 1e-6, `value ${i}`);
    assert.equal(Object.keys(decoded).length, source.weightSpecs.length);
  } finally {
    Object.values(decoded).forEach((t) => t.dispose());
  }
});

test('the backbone graph: flat input reshaped, BatchNormalization folded, 1×1 convolutions as Dense, pooled cut, no classifier head', () => {
  const full = parseKerasModelConfig(readMobileNetSource().modelConfig);
  const plan = planBackbone(full, DEFAULT_CUT_LAYER, 64);
  const classes = new Map(plan.json.layers.map((l) => [l.name, l.className]));
  assert.equal(plan.json.layers[0].className, 'InputLayer');
  assert.deepEqual(plan.json.layers[0].config['batch_input_shape'], [null, 64 * 64 * 3]);
  assert.equal(classes.get('image_reshape'), 'Reshape');
  assert.ok(![...classes.values()].includes('BatchNormalization'));
  assert.equal(classes.get('block_13_expand'), 'Dense');
  assert.equal(classes.get('block_12_depthwise'), 'DepthwiseConv2D');
  assert.equal(classes.get('Conv1'), 'Conv2D', 'the 3×3 stem stays a convolution');
  for (const head of ['dense_1', 'dense_3', 'flatten_1', 'average_pooling2d_1', 'block_13_depthwise', 'out_relu']) assert.ok(!classes.has(head), `${head} is cut off`);
  assert.deepEqual(plan.json.outputLayers.map((r) => r.layer), ['feature_pool']);
  assert.equal(plan.folded.get('block_13_expand'), 'block_13_expand_BN');
});

test('cut layers: output sizes of the chosen layer; a BN name means its folded convolution', async () => {
  for (const [cut, size] of [
    [DEFAULT_CUT_LAYER, 576],
    ['block_16_project', 320],
    ['out_relu', 1280],
    ['block_12_project_BN', 96],
  ] as const) {
    const bundle = await loadMobileNetBase({ imageSize: 32, cutLayer: cut });
    try {
      assert.equal(bundle.featureSize, size, cut);
      const y = bundle.base.predict(tf.zeros([2, bundle.encoder.width])) as tf.Tensor;
      assert.deepEqual(y.shape, [2, size], cut);
      y.dispose();
      if (cut === 'block_12_project_BN') assert.match(bundle.notes?.join('\n') ?? '', /cut at block_12_project \(with block_12_project_BN folded into it\)/);
    } finally {
      bundle.base.dispose();
    }
  }
});

test('bad cut layers and sizes are user errors that list valid choices', async () => {
  await assert.rejects(loadMobileNetBase({ imageSize: 32, cutLayer: 'block_99_nope' }), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /MobileNetV2 has no layer "block_99_nope"/);
    assert.match(e.hint ?? '', /block_13_expand_relu/);
    assert.match(e.hint ?? '', /block_12_add/);
    assert.match(e.hint ?? '', /out_relu/);
    return true;
  });
  await assert.rejects(loadMobileNetBase({ imageSize: 32, cutLayer: 'dense_2' }), (e: unknown) => e instanceof UserError && /classifier head/.test(e.message));
  await assert.rejects(loadMobileNetBase({ imageSize: 100 }), (e: unknown) => e instanceof UserError && /multiple of 32/.test(e.message));
});

test('automatic input size: the model size for photos, small images upscaled about 3.5×', () => {
  assert.equal(automaticImageSize(undefined), 224);
  assert.equal(automaticImageSize({ medianWidth: 640, medianHeight: 480 }), 224);
  assert.equal(automaticImageSize({ medianWidth: 28, medianHeight: 28 }), 96);
  assert.equal(automaticImageSize({ medianWidth: 32, medianHeight: 40 }), 128);
  assert.equal(automaticImageSize({ medianWidth: 8, medianHeight: 8 }), 64);
});

test('numerics: the folded, Dense-converted backbone equals the packaged Keras graph (BN in inference) pooled at the cut, within 1e-4', async () => {
  const source = readMobileNetSource();
  const original = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: { model_config: source.modelConfig }, weightSpecs: source.weightSpecs, weightData: source.weightData }),
  );
  const ours = await loadMobileNetBase({ imageSize: 224 });
  try {
    const cut = original.getLayer(DEFAULT_CUT_LAYER).output as tf.SymbolicTensor;
    const reference = tf.model({ inputs: original.inputs, outputs: cut });
    const images = tf.randomUniform([2, 224, 224, 3], 0, 1, 'float32', 5);
    const expected = tf.tidy(() => tf.mean(reference.predict(images) as tf.Tensor, [1, 2]));
    const actual = ours.base.predict(tf.reshape(images, [2, 224 * 224 * 3])) as tf.Tensor;
    const e = expected.dataSync();
    const a = actual.dataSync();
    assert.equal(a.length, 2 * 576);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]) / (1 + Math.abs(e[i])));
    assert.ok(worst < 1e-4, `largest difference ${worst}`);
    assert.ok(e.some((v) => v > 0.1), 'the features are not all zero');
    tf.dispose([images, expected, actual]);
  } finally {
    original.dispose();
    ours.base.dispose();
  }
});

test('defaults: LoRA on the last Dense (1×1) layers, adapters after the last residual additions', async () => {
  const bundle = await loadMobileNetBase({ imageSize: 32 });
  try {
    assert.deepEqual(bundle.defaults.loraTargets, ['block_12_expand', 'block_12_project', 'block_13_expand']);
    assert.deepEqual(bundle.defaults.adapterAfter, ['block_11_add', 'block_12_add']);
    assert.equal(bundle.source, 'mobilenet_v2');
    assert.match(bundle.fingerprint, /^[0-9a-f]{64}$/);
  } finally {
    bundle.base.dispose();
  }
});
