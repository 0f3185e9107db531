// Helpers of the model fast-path tests: closeness with a relative tolerance (the scale of the
// tensor as the floor, so values near zero are compared at the tensor's magnitude), and gradients
// of a loss over named variables as plain arrays. A gradient that is zero in exact arithmetic
// (the bias of an attention key projection: softmax ignores a shift shared by all keys) is pure
// rounding noise in both paths; assertSameLossAndGrads compares such a variable at 1e-2 of the
// overall gradient scale instead of at its own (noise) scale.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

export const RTOL = 1e-4;

/** |got − want| ≤ rtol · max(|want|, rms(want)) element-wise. */
export function assertCloseArrays(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rtol = RTOL, floor = 0): void {
  assert.equal(got.length, want.length, `${what}: size`);
  const rms = rmsOf(want);
  assert.ok(rms > 0, `${what}: the reference is all zeros, which would prove nothing`);
  for (let i = 0; i < want.length; i++) {
    const tol = rtol * Math.max(Math.abs(want[i]), rms, floor);
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}: index ${i}: ${got[i]} vs ${want[i]} (tolerance ${tol.toExponential(2)})`);
  }
}

function rmsOf(values: ArrayLike<number>): number {
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += values[i] * values[i];
  return Math.sqrt(ss / Math.max(1, values.length));
}

export interface LossAndGrads {
  loss: number;
  /** Gradient values by variable name. */
  grads: Map<string, Float32Array>;
}

/** The loss and its gradients with respect to `vars`, read back. */
export function lossAndGrads(loss: () => tf.Scalar, vars: readonly tf.Variable[]): LossAndGrads {
  const { value, grads } = tf.variableGrads(loss, [...vars]);
  const out = new Map<string, Float32Array>();
  for (const v of vars) out.set(v.name, grads[v.name].dataSync() as Float32Array);
  const result = { loss: value.dataSync()[0], grads: out };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

/** Compares two LossAndGrads (loss and every gradient). */
export function assertSameLossAndGrads(got: LossAndGrads, want: LossAndGrads, what: string, rtol = RTOL): void {
  assert.ok(Math.abs(got.loss - want.loss) <= rtol * Math.abs(want.loss), `${what}: loss ${got.loss} vs ${want.loss}`);
  assert.deepEqual([...got.grads.keys()], [...want.grads.keys()], `${what}: variables`);
  let ss = 0;
  let n = 0;
  for (const g of want.grads.values()) {
    for (const v of g) ss += v * v;
    n += g.length;
  }
  const floor = 1e-2 * Math.sqrt(ss / Math.max(1, n));
  for (const [name, g] of want.grads) assertCloseArrays(got.grads.get(name) ?? new Float32Array(0), g, `${what}: gradient of ${name}`, rtol, floor);
}
