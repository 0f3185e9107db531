// The frozen bases this product trains on, exported to ONNX and run by onnxruntime, against tfjs
// model.predict (relative 1e-4, absolute 1e-5): the tabular MLP, small random-weight convolution
// and GRU models, the real nn-sentiment base (integer and float token ids), the real MobileNetV2
// base at 64 px, and tiny BERT / DistilBERT / RoBERTa encoders; batch sizes 1 and odd.

import { test, before } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { buildTabularMlpBase } from '../../../src/engine/models/tabularMlp';
import { FtBidirectionalGru } from '../../../src/engine/models/bidirectionalGru';
import { loadNnSentimentBase } from '../../../src/engine/models/textModel';
import { loadMobileNetBase } from '../../../src/engine/models/mobileNetBase';
import { buildHfEncoder } from '../../../src/engine/models/hf/hfEncoder';
import type { HfArchitecture, HfEncoderConfig } from '../../../src/engine/models/hf/hfConfig';
import type { InputEncoder } from '../../../src/engine/models/modelTypes';
import { assertOnnxMatchesTfjs, randomizeWeights, seeded } from './onnxTestUtils';

before(async () => {
  await tf.setBackend('cpu');
});

test('tabular MLP (Dense + relu) and Dense with every exported activation, batch 1 and 7', async () => {
  const encoder = { width: 6 } as InputEncoder;
  const { base } = buildTabularMlpBase(encoder, 3, [16, 8]);
  randomizeWeights(base, 11);
  for (const batch of [1, 7]) await assertOnnxMatchesTfjs(base, seeded([batch, 6], batch, 2), `mlp batch ${batch}`);
  const activations = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'mish', 'gelu', 'gelu_new'] as const;
  const input = tf.input({ shape: [5] });
  const outs = activations.map((a) => tf.layers.dense({ units: 4, activation: a, name: `d_${a}` }).apply(input) as tf.SymbolicTensor);
  const merged = tf.layers.concatenate({ name: 'all' }).apply(outs) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: merged });
  randomizeWeights(model, 5, 1);
  await assertOnnxMatchesTfjs(model, seeded([5, 5], 9, 3), 'activations');
});

test('convolutions: ZeroPadding2D, Conv2D same/valid/strided, DepthwiseConv2D ×2, BatchNorm, ReLU6, Add, Dense on maps, pooling', async () => {
  const size = 9;
  const input = tf.input({ shape: [size * size * 3] });
  const img = tf.layers.reshape({ targetShape: [size, size, 3] }).apply(input) as tf.SymbolicTensor;
  const padded = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }).apply(img) as tf.SymbolicTensor;
  const c1 = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(padded) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ epsilon: 1e-3 }).apply(c1) as tf.SymbolicTensor;
  const r1 = tf.layers.reLU({ maxValue: 6 }).apply(bn) as tf.SymbolicTensor;
  const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }).apply(r1) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 6, activation: 'relu' }).apply(dw) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 6, kernelSize: [3, 2], padding: 'same', activation: 'tanh' }).apply(r1) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([dense, c2]) as tf.SymbolicTensor;
  const strided = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).apply(sum) as tf.SymbolicTensor;
  const avg = tf.layers.globalAveragePooling2d({}).apply(strided) as tf.SymbolicTensor;
  const max = tf.layers.globalMaxPooling2d({}).apply(sum) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(strided) as tf.SymbolicTensor;
  const out = tf.layers.concatenate().apply([avg, max, flat]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  randomizeWeights(model, 21);
  for (const batch of [1, 3]) await assertOnnxMatchesTfjs(model, seeded([batch, size * size * 3], 40 + batch), `conv net batch ${batch}`);
});

function gruModel(returnSequences: boolean, recurrentActivation: 'hardSigmoid' | 'sigmoid'): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const emb = tf.layers.embedding({ inputDim: 50, outputDim: 5 }).apply(input) as tf.SymbolicTensor;
  const gru = new FtBidirectionalGru({ units: 4, returnSequences, recurrentActivation }).apply(emb) as tf.SymbolicTensor;
  if (!returnSequences) return tf.model({ inputs: input, outputs: gru });
  const avg = tf.layers.globalAveragePooling1d({}).apply(gru) as tf.SymbolicTensor;
  const max = tf.layers.globalMaxPooling1d({}).apply(gru) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.concatenate().apply([avg, max]) as tf.SymbolicTensor });
}

for (const returnSequences of [true, false]) {
  for (const activation of ['hardSigmoid', 'sigmoid'] as const) {
    test(`Embedding → FtBidirectionalGru (returnSequences ${returnSequences}, ${activation}) → pooling, batch 1 and 5`, async () => {
      const model = gruModel(returnSequences, activation);
      // Large weights drive hard_sigmoid into saturation, where the formulas must agree exactly.
      randomizeWeights(model, 7, 1.5);
      for (const batch of [1, 5]) {
        const ids = tf.tensor2d(Array.from({ length: batch * 6 }, (_, i) => (i * 17 + batch) % 50), [batch, 6]);
        await assertOnnxMatchesTfjs(model, ids, `gru batch ${batch}`);
      }
    });
  }
}

test('the real nn-sentiment base (trained weights): float and int32 token ids, batch 1 and 9', async () => {
  const { base } = await loadNnSentimentBase();
  for (const batch of [1, 9]) {
    // Real-looking rows: a few hundred frequent words, padded with zeros at the end.
    const rows = Array.from({ length: batch }, (_, r) => Array.from({ length: 100 }, (_, t) => (t < 10 + 9 * r ? 1 + ((t * 131 + r * 71) % 400) : 0)));
    await assertOnnxMatchesTfjs(base, tf.tensor2d(rows), `nn-sentiment float ids batch ${batch}`);
    await assertOnnxMatchesTfjs(base, tf.tensor2d(rows, undefined, 'int32'), `nn-sentiment int32 ids batch ${batch}`);
  }
  base.dispose();
});

test('the real MobileNetV2 base at 64 px (folded BN, 1×1 convs as Dense), batch 1 and 3', async () => {
  const { base } = await loadMobileNetBase({ imageSize: 64 });
  for (const batch of [1, 3]) await assertOnnxMatchesTfjs(base, tf.randomUniform([batch, 64 * 64 * 3], -1, 1, 'float32', batch), `mobilenet batch ${batch}`);
  base.dispose();
});

function tinyConfig(architecture: HfArchitecture): HfEncoderConfig {
  return {
    architecture,
    vocabSize: 40,
    hiddenSize: 16,
    numLayers: 2,
    numHeads: 4,
    intermediateSize: 24,
    activation: architecture === 'roberta' ? 'gelu_new' : 'gelu',
    maxPositions: 24,
    typeVocabSize: architecture === 'distilbert' ? 0 : 2,
    layerNormEps: 1e-12,
    padTokenId: architecture === 'roberta' ? 1 : 0,
    hiddenDropout: 0.1,
    attentionDropout: 0.1,
    classifierDropout: 0.1,
    initializerRange: 0.2,
    raw: {},
  };
}

for (const architecture of ['bert', 'distilbert', 'roberta'] as const) {
  test(`tiny ${architecture} encoder (embeddings, attention with padding, LayerNorm, GELU, first token), batch 1 and 3`, async () => {
    const config = tinyConfig(architecture);
    const model = buildHfEncoder(config);
    const pad = config.padTokenId;
    for (const batch of [1, 3]) {
      // Rows of different lengths padded with the pad id.
      const ids = Array.from({ length: batch }, (_, r) => Array.from({ length: 10 }, (_, t) => (t < 4 + 3 * r ? 2 + ((t * 7 + r * 5) % 37) : pad)));
      await assertOnnxMatchesTfjs(model, tf.tensor2d(ids), `${architecture} batch ${batch}`);
    }
    model.dispose();
  });
}
