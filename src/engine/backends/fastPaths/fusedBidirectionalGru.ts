// The fused bidirectional GRU op: the whole recurrence of both directions as one tfjs op with its
// own gradient (tf.customGrad around gruRecurrence.ts), instead of ~10 kernel calls per timestep
// forward and more backward. FtBidirectionalGru uses it when fusedGruApplies(): fast paths on
// (FINETUNE_FAST_PATHS) and the backend computes on the CPU in this process (wasm, cpu), where
// reading tensors into typed arrays is cheap. On GPU backends the stock tf-op loop stays.
//
// The input projections (x·W + b) and LoRA stay tf ops outside this op: they are large matMuls
// that tfjs runs fast, and their gradients (to the input, the kernels, LoRA's A and B) come from
// tfjs autodiff through the op's gradient with respect to the projections.

import * as tf from '@tensorflow/tfjs';
import { FUSED_RECURRENCE_BACKENDS, fusedRecurrenceApplies, pickRecurrenceKernel, recurrenceFloat32Data } from './fusedRecurrenceOp';
import { typescriptGruKernel } from './gruRecurrence';
import type { GruKernel, GruOptions } from './gruRecurrence';
import { gruWasmKernel } from './wasmGruKernel';

/** The name the run records for this fast path. */
export const FUSED_GRU_FAST_PATH = 'fused-bidirectional-gru';

/** Backends whose tensors live in this process's memory (or its wasm heap). */
export const FUSED_GRU_BACKENDS: readonly string[] = FUSED_RECURRENCE_BACKENDS;

/** Calls of the fused op's forward and backward passes, for tests and benchmarks. */
export const fusedGruCounts = { forward: 0, backward: 0 };

/** True when FtBidirectionalGru should use the fused op on `backendName` (default: the active backend). */
export function fusedGruApplies(backendName: string = tf.getBackend(), env: NodeJS.ProcessEnv = process.env): boolean {
  return fusedRecurrenceApplies(FUSED_GRU_BACKENDS, backendName, env);
}

/** FINETUNE_GRU_KERNEL=ts picks the TypeScript kernel even where the wasm one is built (benchmarks, tests). */
export const GRU_KERNEL_ENV_VAR = 'FINETUNE_GRU_KERNEL';

/** The kernel the fused op runs: the wasm SIMD one when built and loadable, else the TypeScript one. */
export function activeGruKernel(env: NodeJS.ProcessEnv = process.env): GruKernel {
  return pickRecurrenceKernel<GruKernel>(env, GRU_KERNEL_ENV_VAR, typescriptGruKernel, gruWasmKernel);
}

function float32Data(t: tf.Tensor, what: string): Float32Array {
  return recurrenceFloat32Data(t, 'fused GRU', what);
}

/**
 * The recurrence of a bidirectional GRU over precomputed input projections.
 * proj [batch, time, 6u]: per timestep [x·W_f + b_f | x·W_b + b_b], gates (z, r, h) each;
 * kernelF, kernelB [u, 3u]: the recurrent kernels. Returns [batch, time, 2u] with
 * returnSequences, else [batch, 2u]. Differentiable with respect to all three inputs.
 */
export function fusedBidirectionalGru(proj: tf.Tensor3D, kernelF: tf.Tensor2D, kernelB: tf.Tensor2D, options: GruOptions): tf.Tensor {
  const [batch, time, width] = proj.shape;
  const units = kernelF.shape[0];
  if (width !== 6 * units || kernelF.shape[1] !== 3 * units || kernelB.shape[0] !== units || kernelB.shape[1] !== 3 * units) {
    throw new Error(
      `fused GRU: expected projections [batch, time, ${6 * units}] and kernels [${units}, ${3 * units}], got [${proj.shape.join(', ')}], [${kernelF.shape.join(', ')}], [${kernelB.shape.join(', ')}]`,
    );
  }
  const dims = { batch, time, units };
  const outShape = options.returnSequences ? [batch, time, 2 * units] : [batch, 2 * units];
  const kernel = activeGruKernel();
  const op = tf.customGrad((...args) => {
    const [p, kf, kb] = args.filter((a): a is tf.Tensor => a instanceof tf.Tensor);
    fusedGruCounts.forward++;
    const { output, backward } = kernel.run(
      float32Data(p, 'the projections'),
      [float32Data(kf, 'the forward recurrent kernel'), float32Data(kb, 'the backward recurrent kernel')],
      dims,
      options,
    );
    return {
      value: tf.tensor(output, outShape, 'float32'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        fusedGruCounts.backward++;
        const g = Array.isArray(dy) ? dy[0] : dy;
        const { dProj, dKernels } = backward(float32Data(g, 'the output gradient'));
        return [tf.tensor(dProj, proj.shape, 'float32'), tf.tensor(dKernels[0], kernelF.shape, 'float32'), tf.tensor(dKernels[1], kernelB.shape, 'float32')];
      },
    };
  });
  return op(proj, kernelF, kernelB);
}
