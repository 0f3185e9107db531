// The fused LSTM op: the whole recurrence of one direction as one tfjs op with its own gradient
// (tf.customGrad around lstmRecurrence.ts or its wasm kernel), instead of ~12 kernel calls per
// timestep forward and more backward. FtLstm and FtBidirectionalLstm use it when fusedLstmApplies():
// fast paths on (FINETUNE_FAST_PATHS) and a backend that computes on the CPU in this process (wasm,
// cpu). On GPU backends, or switched off, they run the stock tf-op loop.
//
// The input projections (x·W + b) and LoRA stay tf ops outside this op (large matMuls tfjs runs
// fast); their gradients come from tfjs autodiff through this op's gradient for the projections.

import * as tf from '@tensorflow/tfjs';
import { FUSED_RECURRENCE_BACKENDS, fusedRecurrenceApplies, pickRecurrenceKernel, recurrenceFloat32Data } from './fusedRecurrenceOp';
import { typescriptLstmKernel } from './lstmRecurrence';
import type { LstmKernel, LstmOptions } from './lstmRecurrence';
import { lstmWasmKernel } from './wasmLstmKernel';

/** The name the run records for this fast path. */
export const FUSED_LSTM_FAST_PATH = 'fused-lstm';

/** Backends whose tensors live in this process's memory (or its wasm heap). */
export const FUSED_LSTM_BACKENDS: readonly string[] = FUSED_RECURRENCE_BACKENDS;

/** Calls of the fused op's forward and backward passes, for tests and benchmarks. */
export const fusedLstmCounts = { forward: 0, backward: 0 };

/** True when the LSTM layers should use the fused op on `backendName` (default: the active backend). */
export function fusedLstmApplies(backendName: string = tf.getBackend(), env: NodeJS.ProcessEnv = process.env): boolean {
  return fusedRecurrenceApplies(FUSED_LSTM_BACKENDS, backendName, env);
}

/** FINETUNE_LSTM_KERNEL=ts picks the TypeScript kernel even where the wasm one is built (benchmarks, tests). */
export const LSTM_KERNEL_ENV_VAR = 'FINETUNE_LSTM_KERNEL';

/** The kernel the fused op runs: the wasm SIMD one when built and loadable, else the TypeScript one. */
export function activeLstmKernel(env: NodeJS.ProcessEnv = process.env): LstmKernel {
  return pickRecurrenceKernel<LstmKernel>(env, LSTM_KERNEL_ENV_VAR, typescriptLstmKernel, lstmWasmKernel);
}

function float32Data(t: tf.Tensor, what: string): Float32Array {
  return recurrenceFloat32Data(t, 'fused LSTM', what);
}

/**
 * The recurrence of one LSTM direction over precomputed input projections.
 * proj [batch, time, 4u]: per timestep x·W + b, gates (i, f, c, o); kernel [u, 4u]: the recurrent
 * kernel. Returns [batch, time, u] with returnSequences (the reverse direction's outputs at their
 * input's time index), else [batch, u]. Differentiable with respect to both inputs.
 */
export function fusedLstm(proj: tf.Tensor3D, kernel: tf.Tensor2D, options: LstmOptions): tf.Tensor {
  const [batch, time, width] = proj.shape;
  const units = kernel.shape[0];
  if (width !== 4 * units || kernel.shape[1] !== 4 * units) {
    throw new Error(`fused LSTM: expected projections [batch, time, ${4 * units}] and a kernel [${units}, ${4 * units}], got [${proj.shape.join(', ')}], [${kernel.shape.join(', ')}]`);
  }
  const dims = { batch, time, units };
  const outShape = options.returnSequences ? [batch, time, units] : [batch, units];
  const impl = activeLstmKernel();
  const op = tf.customGrad((...args) => {
    const [p, k] = args.filter((a): a is tf.Tensor => a instanceof tf.Tensor);
    fusedLstmCounts.forward++;
    const { output, backward } = impl.run(float32Data(p, 'the projections'), float32Data(k, 'the recurrent kernel'), dims, options);
    return {
      value: tf.tensor(output, outShape, 'float32'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        fusedLstmCounts.backward++;
        const g = Array.isArray(dy) ? dy[0] : dy;
        const { dProj, dKernel } = backward(float32Data(g, 'the output gradient'));
        return [tf.tensor(dProj, proj.shape, 'float32'), tf.tensor(dKernel, kernel.shape, 'float32')];
      },
    };
  });
  return op(proj, kernel);
}
