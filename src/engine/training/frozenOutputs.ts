// Computes the outputs of a frozen model for all rows of a split, batch by batch, in inference
// mode: the one step both caches use (the features technique's frozen base, and a frozen
// prefix under LoRA or adapters). With `forward` (src/engine/onnx/computeFrozenOutputs.ts
// openFrozenForward: onnxruntime-node where it is installed and the model exports exactly) the
// batches run through it; without, through tfjs as forward() runs the base.

import * as tf from '@tensorflow/tfjs';
import type { FrozenForward } from '../onnx/computeFrozenOutputs';
import { baseOutputs } from './forward';

export interface FrozenOutputsInput {
  /** The frozen model (its outputs are one tensor). */
  model: tf.LayersModel;
  /** Rows to compute. */
  rows: number;
  /** Rows per forward call. */
  batchSize: number;
  /** The model's input for rows [start, end) (the caller's tensor; this function disposes it). */
  inputOf: (start: number, end: number) => Promise<tf.Tensor> | tf.Tensor;
  /** Called after each batch with the rows done so far. */
  progress?: (done: number) => void;
  /** The output of zero rows: its shape without the batch axis (when `rows` is 0). */
  emptyShape: number[];
  /** The frozen forward opened for `model` (onnxruntime or tfjs); default: tfjs. */
  forward?: FrozenForward;
}

/** [rows, …] outputs of the model, as predict computes them (the packed-token fast path included). */
export async function computeFrozenOutputs(input: FrozenOutputsInput): Promise<tf.Tensor> {
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < input.rows; start += input.batchSize) {
      const end = Math.min(input.rows, start + input.batchSize);
      const x = await input.inputOf(start, end);
      try {
        parts.push(input.forward !== undefined ? await input.forward.forward(x) : tf.tidy(() => baseOutputs(input.model, x, { training: false })));
      } finally {
        x.dispose();
      }
      input.progress?.(end);
      await tf.nextFrame();
    }
    if (parts.length === 0) return tf.zeros([0, ...input.emptyShape]);
    return parts.length === 1 ? parts[0].clone() : tf.concat(parts, 0);
  } finally {
    parts.forEach((p) => p.dispose());
  }
}
