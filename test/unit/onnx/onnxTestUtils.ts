// Helpers of the ONNX tests: a tolerance check against tfjs, and running a model both ways.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createOnnxFrozenForward } from '../../../src/engine/onnx/onnxFrozenForward';

export const RTOL = 1e-4;
export const ATOL = 1e-5;

/** |got - want| <= ATOL + RTOL·|want| everywhere, same shape, and the reference is not all zeros. */
export function assertClose(got: tf.Tensor, want: tf.Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.dataSync();
  const w = want.dataSync();
  assert.ok(w.some((v) => v !== 0), `${what}: the reference is all zeros`);
  for (let i = 0; i < w.length; i++) {
    if (!(Math.abs(g[i] - w[i]) <= ATOL + RTOL * Math.abs(w[i]))) assert.fail(`${what}: index ${i}: onnx ${g[i]} vs tfjs ${w[i]}`);
  }
}

/** onnxruntime vs model.predict on x (1 thread); fails when the export is refused. */
export async function assertOnnxMatchesTfjs(model: tf.LayersModel, x: tf.Tensor, what: string): Promise<void> {
  const forward = await createOnnxFrozenForward(model, { threads: 1 });
  if ('unavailable' in forward) assert.fail(`${what}: ${forward.unavailable}`);
  try {
    const got = await forward.run(x);
    const want = model.predict(x) as tf.Tensor;
    assertClose(got, want, what);
    tf.dispose([got, want]);
  } finally {
    forward.dispose();
  }
}

/** A seeded uniform tensor in [-scale, scale]. */
export function seeded(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.randomUniform(shape, -scale, scale, 'float32', seed);
}

/** Sets every weight of a model to seeded random values (scale `scale`), keeping shapes. */
export function randomizeWeights(model: tf.LayersModel, seed: number, scale = 0.5): void {
  model.layers.forEach((layer, i) => {
    const ws = layer.getWeights();
    if (ws.length === 0) return;
    layer.setWeights(ws.map((w, k) => {
      const name = layer.weights[k].originalName;
      // Variances must stay positive.
      if (name.endsWith('moving_variance')) return tf.randomUniform(w.shape, 0.5, 1.5, 'float32', seed + i * 31 + k);
      return tf.randomUniform(w.shape, -scale, scale, 'float32', seed + i * 31 + k);
    }));
  });
}
