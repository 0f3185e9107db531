// tfjs-layers types that the package does not export by name, derived from public signatures,
// and small helpers every custom layer here needs.

import * as tf from '@tensorflow/tfjs';

/** The base layer's constructor arguments (name, trainable, inputShape, dtype, …). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Keyword arguments of `Layer.call` (training, mask, and our `seed`). */
export type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/** Activation names tfjs-layers accepts ('relu', 'linear', 'gelu', 'hardSigmoid', …). */
export type ActivationIdentifier = Parameters<typeof tf.layers.activation>[0]['activation'];

/** The one input shape of a single-input layer. */
export function singleShape(inputShape: tf.Shape | tf.Shape[], layerName: string): tf.Shape {
  const first = inputShape[0];
  if (Array.isArray(first)) {
    if (inputShape.length !== 1) {
      throw new Error(`Layer '${layerName}' expects one input, got ${inputShape.length}.`);
    }
    return first;
  }
  return inputShape as tf.Shape;
}

/** The one input tensor of a single-input layer. */
export function singleTensor(inputs: tf.Tensor | tf.Tensor[], layerName: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) {
      throw new Error(`Layer '${layerName}' expects one input tensor, got ${inputs.length}.`);
    }
    return inputs[0];
  }
  return inputs;
}

/** The size of the last axis, which must be known. */
export function lastDim(shape: tf.Shape, layerName: string): number {
  const d = shape[shape.length - 1];
  if (shape.length < 2 || d == null) {
    throw new Error(
      `Layer '${layerName}' needs an input of rank >= 2 with a known last axis, got shape [${shape.map(String).join(', ')}].`,
    );
  }
  return d;
}

/** x · W on the last axis for inputs of any rank >= 2 (the reshape tfjs Dense does). */
export function dotLastAxis(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  if (x.rank === 2) return tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
  const w2 = w as tf.Tensor2D;
  const inDim = x.shape[x.rank - 1];
  const outDim = w2.shape[1];
  const flat = tf.matMul(tf.reshape(x, [-1, inDim]) as tf.Tensor2D, w2);
  return tf.reshape(flat, [...x.shape.slice(0, -1), outDim]);
}

/** A finite number, or the fallback when the value is absent. */
export function optionalNumber(value: unknown, fallback: number | null, what: string): number | null {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what} must be a finite number, got ${String(value)}.`);
  return value;
}
