// A small multilayer perceptron built from scratch as the base model for tabular data.

import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import type { BaseModelBundle, InputEncoder } from './modelTypes';

/** Name of the i-th (1-based) hidden Dense layer. */
export function mlpDenseName(i: number): string {
  return `mlp_dense_${i}`;
}

/**
 * input [encoder.width] → Dense(hidden[0], relu) → … → Dense(hidden[n-1], relu) = features.
 * Layer i (1-based) draws its glorot-uniform kernel from seed + i, so the same seed gives the
 * same weights (a head built with the same seed uses the seed itself, a different stream).
 * fingerprint = sha256 of the model's JSON config and the seed.
 */
export function buildTabularMlpBase(
  encoder: InputEncoder,
  seed: number,
  hidden: readonly number[] = [64, 32],
  source = 'mlp',
): BaseModelBundle {
  if (hidden.length === 0) throw new Error('The MLP needs at least one hidden layer.');
  for (const units of hidden) {
    if (!Number.isInteger(units) || units < 1) throw new Error(`Hidden layer sizes must be positive integers, got ${units}.`);
  }
  if (encoder.width < 1) throw new Error('The dataset encodes to no features: choose at least one feature column.');
  const input = tf.input({ shape: [encoder.width], name: 'mlp_input' });
  let x: tf.SymbolicTensor = input;
  const names: string[] = [];
  hidden.forEach((units, i) => {
    const name = mlpDenseName(i + 1);
    names.push(name);
    const layer = tf.layers.dense({
      units,
      activation: 'relu',
      name,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i + 1 }),
      biasInitializer: 'zeros',
    });
    x = layer.apply(x) as tf.SymbolicTensor;
  });
  const base = tf.model({ inputs: input, outputs: x, name: 'mlp_base' });
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(base.toJSON(null, false)))
    .update(`\nseed=${seed}`)
    .digest('hex');
  return {
    base,
    featureSize: hidden[hidden.length - 1],
    encoder,
    source,
    fingerprint,
    defaults: { loraTargets: names, adapterAfter: [names[names.length - 1]] },
  };
}
