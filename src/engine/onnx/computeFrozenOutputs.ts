// The frozen forward pass that the features cache and the frozen-prefix cache run once per
// example: through onnxruntime-node where it is installed, switched on (onnxSwitch.ts) and the
// model exports exactly, else through tfjs. The path used, and why, is logged once.
// openFrozenForward() gives a reusable forward (for inputs encoded batch by batch, e.g. images);
// computeFrozenOutputs() runs it over all rows of one input tensor.

import * as tf from '@tensorflow/tfjs';
import { createOnnxFrozenForward, type OnnxFrozenForwardOptions } from './onnxFrozenForward';
import { onnxDisabledReason } from './onnxSwitch';

export type FrozenForwardLog = (level: 'info' | 'warn', message: string) => void;

export interface FrozenForwardOptions extends OnnxFrozenForwardOptions {
  /** The tfjs forward (default: model.predict, inference mode). Runs inside tf.tidy. */
  tfjsForward?: (model: tf.LayersModel, x: tf.Tensor) => tf.Tensor;
  /** The environment the switches are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface FrozenForward {
  /** 'onnxruntime' or 'tfjs' (after a failed onnxruntime run: 'tfjs' from then on). */
  readonly path: 'onnxruntime' | 'tfjs';
  /** The model's outputs for a batch x; the caller disposes x and the result. */
  forward(x: tf.Tensor): Promise<tf.Tensor>;
  dispose(): void;
}

function defaultTfjsForward(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  const out = model.predict(x);
  if (Array.isArray(out)) throw new Error(`model '${model.name}' has ${out.length} outputs; a frozen part has one`);
  return out;
}

/** Chooses onnxruntime or tfjs for `model` and logs which and why. */
export async function openFrozenForward(model: tf.LayersModel, log: FrozenForwardLog, options: FrozenForwardOptions = {}): Promise<FrozenForward> {
  const tfjsForward = options.tfjsForward ?? defaultTfjsForward;
  const viaTfjs = (x: tf.Tensor): Promise<tf.Tensor> => Promise.resolve(tf.tidy(() => tfjsForward(model, x)));
  const disabled = onnxDisabledReason(options.env);
  if (disabled !== null) {
    log('info', `frozen forward of '${model.name}': tfjs (${disabled})`);
    return { path: 'tfjs', forward: viaTfjs, dispose: () => undefined };
  }
  const onnx = await createOnnxFrozenForward(model, options);
  if ('unavailable' in onnx) {
    log('info', `frozen forward of '${model.name}': tfjs (${onnx.unavailable})`);
    return { path: 'tfjs', forward: viaTfjs, dispose: () => undefined };
  }
  log('info', `frozen forward of '${model.name}': ${onnx.description}`);
  let path: 'onnxruntime' | 'tfjs' = 'onnxruntime';
  return {
    get path() {
      return path;
    },
    async forward(x: tf.Tensor): Promise<tf.Tensor> {
      if (path === 'tfjs') return viaTfjs(x);
      try {
        return await onnx.run(x);
      } catch (err) {
        path = 'tfjs';
        onnx.dispose();
        log('warn', `onnxruntime failed on '${model.name}' (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); tfjs computes the frozen outputs instead`);
        return viaTfjs(x);
      }
    },
    dispose(): void {
      onnx.dispose();
    },
  };
}

/** The frozen outputs of `model` for every row of x, `batchSize` rows at a time, concatenated (the caller disposes it). */
export async function computeFrozenOutputs(
  model: tf.LayersModel,
  x: tf.Tensor,
  batchSize: number,
  log: FrozenForwardLog,
  options: FrozenForwardOptions = {},
): Promise<tf.Tensor> {
  const rows = x.shape[0];
  const size = Math.max(1, Math.floor(batchSize));
  const frozen = await openFrozenForward(model, log, options);
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < rows; start += size) {
      const batch = tf.slice(x, start, Math.min(size, rows - start));
      try {
        parts.push(await frozen.forward(batch));
      } finally {
        batch.dispose();
      }
    }
    if (parts.length === 0) return tf.zeros(model.outputs[0].shape.map((d, i) => (i === 0 ? 0 : (d ?? 0))));
    if (parts.length === 1) return parts.splice(0, 1)[0];
    return tf.concat(parts, 0);
  } finally {
    parts.forEach((p) => p.dispose());
    frozen.dispose();
  }
}

