// Helpers of the LSTM fast-path tests (not a test file itself): the fast-path switch and kernel
// choice, seeded values, and the output and gradients of a layer as plain arrays.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { LSTM_KERNEL_ENV_VAR } from '../../../src/engine/backends/fastPaths/fusedLstm';
import { lstmWasmKernel } from '../../../src/engine/backends/fastPaths/wasmLstmKernel';

export const RTOL = 1e-4;

/** The fused op's kernels: the TypeScript one always, the wasm one where `npm run build` built it. */
export const LSTM_KERNELS: Array<'ts' | 'wasm'> = lstmWasmKernel() === null ? ['ts'] : ['ts', 'wasm'];

/** 'stock' = fast paths off (tf ops, autodiff); 'ts' / 'wasm' = the fused op with that kernel. */
export type LstmPath = 'stock' | 'ts' | 'wasm';

/** Sets the switch and kernel environment variables for `path`; returns a function that restores them. */
export function usePath(path: LstmPath): () => void {
  const saved = { fast: process.env[FAST_PATHS_ENV_VAR], kernel: process.env[LSTM_KERNEL_ENV_VAR] };
  if (path === 'stock') process.env[FAST_PATHS_ENV_VAR] = '0';
  else delete process.env[FAST_PATHS_ENV_VAR];
  if (path === 'ts') process.env[LSTM_KERNEL_ENV_VAR] = 'ts';
  else delete process.env[LSTM_KERNEL_ENV_VAR];
  return () => {
    for (const [name, value] of [[FAST_PATHS_ENV_VAR, saved.fast], [LSTM_KERNEL_ENV_VAR, saved.kernel]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Deterministic values in [-scale, scale). */
export function seeded(size: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 * scale - scale;
  });
}

export function seededTensor(shape: number[], seed: number, scale: number): tf.Tensor {
  return tf.tensor(seeded(shape.reduce((p, d) => p * d, 1), seed, scale), shape);
}

/** Element-wise |got − want| ≤ rtol · max(|want|, rms(want)): relative, with the tensor's scale as floor. */
export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rtol = RTOL): void {
  assert.equal(got.length, want.length, `${what}: size`);
  let ss = 0;
  for (let i = 0; i < want.length; i++) ss += want[i] * want[i];
  const rms = Math.sqrt(ss / Math.max(1, want.length));
  assert.ok(rms > 0, `${what}: the reference is all zeros, the comparison would prove nothing`);
  for (let i = 0; i < want.length; i++) {
    const tol = rtol * Math.max(Math.abs(want[i]), rms);
    if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${what}: index ${i}: ${got[i]} vs ${want[i]} (tolerance ${tol.toExponential(2)})`);
  }
}

export interface OutputAndGrads {
  output: Float32Array;
  /** d sum(output · probe) / d each variable, in the order given. */
  grads: Float32Array[];
}

/** The output of `apply` and the gradients of sum(output · probe) with respect to `vars`. */
export function outputAndGrads(apply: () => tf.Tensor, vars: readonly tf.Variable[], probeSeed = 99): OutputAndGrads {
  return tf.tidy(() => {
    const output = apply();
    const probe = seededTensor(output.shape, probeSeed, 1);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(apply(), probe)) as tf.Scalar, [...vars]);
    value.dispose();
    return { output: Float32Array.from(output.dataSync()), grads: vars.map((v) => Float32Array.from(grads[v.name].dataSync())) };
  });
}
