// The mean categorical cross-entropy of softmax outputs in one kernel forward and one backward,
// for the fast path 'fused-cross-entropy' (wasm and cpu backends; FINETUNE_FAST_PATHS=0 turns it
// off). forward.ts's stock loss,
//   mean_b( −Σ_c t·log(clip(p, ε, 1 − ε)) ),  ε = 1e-7,
// runs 6 kernels forward and ~15 backward (about 0.2 ms of a small model's step on tfjs-wasm);
// here the forward is one kernel and the gradient with respect to p another:
//   ∂/∂p = ε ≤ p ≤ 1 − ε ? ((−(dy/B))·t) / p : 0
// computed operation by operation as the stock gradient ops compute it (Mean's dy/B, Neg, Mul's
// dy·t, Log's dy/x, ClipByValue's select), so the gradient is the same float32 values to the bit.
// The loss value agrees to float32 rounding (log and the sums are rounded in another order).
// Not wired into the trainer by this module: forward.ts's batchLoss can call fusedMeanCrossEntropy
// when fusedCrossEntropyApplies() and there are no class weights (see the function's comment).

import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { computeFloat32, IN_PROCESS_BACKENDS } from './cpuKernelIo';

import { fastPathsEnabled } from './fastPathsSwitch';

/** The name a run would record for this fast path. */
export const FUSED_CROSS_ENTROPY_FAST_PATH = 'fused-cross-entropy';

export const CROSS_ENTROPY_KERNEL = 'FtMeanCrossEntropy';
export const CROSS_ENTROPY_GRAD_KERNEL = 'FtMeanCrossEntropyGrad';

/** The clip bound of forward.ts's loss. */
export const CROSS_ENTROPY_EPSILON = 1e-7;

/** True when the fused loss may run on `backendName` (default: the active backend). */
export function fusedCrossEntropyApplies(backendName: string = tf.getBackend(), env: NodeJS.ProcessEnv = process.env): boolean {
  return IN_PROCESS_BACKENDS.includes(backendName) && fastPathsEnabled(env);
}

const f = Math.fround;

/** mean_b(−Σ_c t·log(clip(p))) over rows of `classes` entries, in float32 steps. */
export function meanCrossEntropy(p: Float32Array, t: Float32Array, classes: number): number {
  const lo = f(CROSS_ENTROPY_EPSILON);
  const hi = f(1 - CROSS_ENTROPY_EPSILON);
  const rows = p.length / classes;
  let total = 0;
  for (let b = 0; b < rows; b++) {
    let row = 0;
    for (let c = b * classes; c < (b + 1) * classes; c++) {
      const clipped = p[c] < lo ? lo : p[c] > hi ? hi : p[c];
      row = f(row + f(t[c] * f(Math.log(clipped))));
    }
    total = f(total - row);
  }
  return f(total / rows);
}

/** out = ∂loss/∂p for an upstream gradient dy, as the stock gradient ops compute it. */
export function meanCrossEntropyGrad(dy: number, p: Float32Array, t: Float32Array, classes: number, out: Float32Array): void {
  const lo = f(CROSS_ENTROPY_EPSILON);
  const hi = f(1 - CROSS_ENTROPY_EPSILON);
  const negScaled = -f(f(dy) / (p.length / classes));
  for (let i = 0; i < p.length; i++) {
    const x = p[i];
    out[i] = x >= lo && x <= hi ? f(f(negScaled * t[i]) / x) : 0;
  }
}

function input(inputs: Partial<Record<string, TensorInfo>>, name: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${CROSS_ENTROPY_KERNEL}: missing input ${name}`);
  return t;
}

function classesOf(p: TensorInfo): number {
  if (p.shape.length !== 2) throw new Error(`${CROSS_ENTROPY_KERNEL}: expected [batch, classes] outputs, got [${p.shape}]`);
  return p.shape[1];
}

function kernelConfigs(backendName: string): KernelConfig[] {
  return [
    {
      kernelName: CROSS_ENTROPY_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const [p, t] = [input(inputs, 'p'), input(inputs, 't')];
        return computeFloat32(backend, [p, t], [], (out, [pv, tv]) => (out[0] = meanCrossEntropy(pv, tv, classesOf(p))), { kernel: CROSS_ENTROPY_KERNEL, lenientCpu: true });
      },
    },
    {
      kernelName: CROSS_ENTROPY_GRAD_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const [dy, p, t] = [input(inputs, 'dy'), input(inputs, 'p'), input(inputs, 't')];
        return computeFloat32(backend, [dy, p, t], [...p.shape], (out, [dyv, pv, tv]) => meanCrossEntropyGrad(dyv[0], pv, tv, classesOf(p), out), { kernel: CROSS_ENTROPY_GRAD_KERNEL, lenientCpu: true });
      },
    },
  ];
}

const gradConfig: GradConfig = {
  kernelName: CROSS_ENTROPY_KERNEL,
  inputsToSave: ['p', 't'],
  gradFunc: (dy, saved) => {
    const g = Array.isArray(dy) ? dy[0] : dy;
    const [p, t] = saved;
    return {
      p: () => tf.engine().runKernel(CROSS_ENTROPY_GRAD_KERNEL, { dy: g, p, t }) as tf.Tensor,
      // The targets are data, never on a path to a variable; for completeness only.
      t: () => tf.zerosLike(t),
    };
  },
};

let registered = false;

function ensureRegistered(): void {
  if (registered) return;
  for (const backendName of IN_PROCESS_BACKENDS) {
    for (const config of kernelConfigs(backendName)) {
      if (tf.getKernel(config.kernelName, backendName) === undefined) tf.registerKernel(config);
    }
  }
  tf.registerGradient(gradConfig);
  registered = true;
}

/**
 * The mean categorical cross-entropy of softmax outputs `output` [batch, classes] against one-hot
 * (or soft) `target`, differentiable with respect to `output`: forward.ts's
 * tf.mean(perExampleLoss(codec, output, target)) for a classification codec, in two kernel calls.
 * For the wasm and cpu backends (fusedCrossEntropyApplies); float32 tensors. Wiring, in batchLoss:
 *   if (!classWeights && !codec.scaling && fusedCrossEntropyApplies()) return fusedMeanCrossEntropy(output, target);
 */
export function fusedMeanCrossEntropy(output: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  ensureRegistered();
  const t = target.dtype === 'float32' ? target : tf.cast(target, 'float32');
  return tf.engine().runKernel(CROSS_ENTROPY_KERNEL, { p: output, t }) as tf.Scalar;
}
