// The classification (or regression) head of a Hugging Face encoder in the layout of the
// model's *ForSequenceClassification class, with its module names, so exporting it gives HF names:
//   BERT:       dropout → classifier
//   DistilBERT: pre_classifier (ReLU) → dropout → classifier
//   RoBERTa:    dropout → classifier.dense (tanh) → dropout → classifier.out_proj
// The last Dense has softmax for classification (the HF model outputs the logits before it) or is
// linear with one unit for regression. Weights start as HF initialises them: normal(0,
// initializer_range), seeded from the run seed, zero biases.

import * as tf from '@tensorflow/tfjs';
import type { HeadOutputs } from '../head';
import type { HfArchitecture, HfEncoderConfig } from './hfConfig';
import { HfDropout } from './hfDropout';

/** The Dense layers of each head, in order; the last one produces the outputs. */
export const HF_HEAD_LAYERS: Readonly<Record<HfArchitecture, readonly string[]>> = {
  bert: ['classifier'],
  distilbert: ['pre_classifier', 'classifier'],
  roberta: ['classifier.dense', 'classifier.out_proj'],
};

/** The HF modules PEFT must save with a LoRA adapter (modules_to_save) for this head. */
export const HF_HEAD_MODULES: Readonly<Record<HfArchitecture, readonly string[]>> = {
  bert: ['classifier'],
  distilbert: ['pre_classifier', 'classifier'],
  roberta: ['classifier'],
};

type Sym = tf.SymbolicTensor;

function applyOne(layer: tf.layers.Layer, x: Sym): Sym {
  return layer.apply(x) as Sym;
}

export function buildHfHead(config: HfEncoderConfig, outputs: HeadOutputs, seed: number): tf.LayersModel {
  if (outputs.task === 'classification' && (!Number.isInteger(outputs.classes) || outputs.classes < 2)) {
    throw new Error(`A classification head needs at least 2 classes, got ${outputs.classes}`);
  }
  const units = outputs.task === 'classification' ? outputs.classes : 1;
  const activation = outputs.task === 'classification' ? 'softmax' : 'linear';
  let n = 0;
  const dense = (name: string, width: number, act: 'relu' | 'tanh' | 'softmax' | 'linear'): tf.layers.Layer =>
    tf.layers.dense({
      name,
      units: width,
      activation: act,
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: config.initializerRange, seed: seed + n++ }),
      biasInitializer: 'zeros',
    });
  const rate = config.classifierDropout;
  const input = tf.input({ shape: [config.hiddenSize], name: 'head_input' });
  let x: Sym = input;
  switch (config.architecture) {
    case 'bert':
      x = applyOne(new HfDropout({ name: 'dropout', rate }), x);
      x = applyOne(dense('classifier', units, activation), x);
      break;
    case 'distilbert':
      x = applyOne(dense('pre_classifier', config.hiddenSize, 'relu'), x);
      x = applyOne(new HfDropout({ name: 'dropout', rate }), x);
      x = applyOne(dense('classifier', units, activation), x);
      break;
    case 'roberta':
      x = applyOne(new HfDropout({ name: 'classifier.dropout_in', rate }), x);
      x = applyOne(dense('classifier.dense', config.hiddenSize, 'tanh'), x);
      x = applyOne(new HfDropout({ name: 'classifier.dropout', rate }), x);
      x = applyOne(dense('classifier.out_proj', units, activation), x);
      break;
  }
  return tf.model({ inputs: input, outputs: x, name: 'head' });
}
