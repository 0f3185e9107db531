// What the fused recurrent ops (fusedBidirectionalGru.ts, fusedLstm.ts) share: when they apply
// (fast paths on and a backend computing on the CPU in this process), which kernel they run (the
// wasm SIMD one when built and loadable, unless an environment variable asks for TypeScript), and
// reading their float32 inputs.

import type * as tf from '@tensorflow/tfjs';
import { fastPathsEnabled } from './fastPathsSwitch';

/** Backends whose tensors live in this process's memory (or its wasm heap). */
export const FUSED_RECURRENCE_BACKENDS: readonly string[] = ['wasm', 'cpu'];

/** True when fast paths are on and `backendName` is one of `backends`. */
export function fusedRecurrenceApplies(backends: readonly string[], backendName: string, env: NodeJS.ProcessEnv): boolean {
  return backends.includes(backendName) && fastPathsEnabled(env);
}

/** `typescript` when env[envVar] is "ts", else the wasm kernel when available, else `typescript`. */
export function pickRecurrenceKernel<K>(env: NodeJS.ProcessEnv, envVar: string, typescript: K, wasm: () => K | null): K {
  if (env[envVar]?.trim().toLowerCase() === 'ts') return typescript;
  return wasm() ?? typescript;
}

/** The float32 values of `t`; `op` and `what` name it in the error for another dtype. */
export function recurrenceFloat32Data(t: tf.Tensor, op: string, what: string): Float32Array {
  const data = t.dataSync();
  if (!(data instanceof Float32Array)) throw new Error(`${op}: ${what} must be float32, got ${t.dtype}`);
  return data;
}
