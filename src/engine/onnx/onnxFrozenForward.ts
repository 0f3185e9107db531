// The forward pass of a frozen tfjs model through onnxruntime-node (CPU execution provider):
// the model is exported to ONNX (exportOnnx.ts), loaded into an InferenceSession, and run on
// tfjs tensors, giving tfjs tensors back. When onnxruntime is not installed, a layer has no
// exact translation, or the session cannot be created, the result says why in one line.

import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type * as Ort from 'onnxruntime-node';
import { exportLayersModelToOnnx } from './exportOnnx';
import { loadOnnxRuntime, type OnnxRuntimeLoader } from './onnxRuntimeLoader';

export interface OnnxFrozenForwardOptions {
  /** onnxruntime's intra-op threads (default: os.availableParallelism()). */
  threads?: number;
  /** How to load onnxruntime-node (tests inject a failing one). */
  loader?: OnnxRuntimeLoader;
}

export interface OnnxFrozenForward {
  /** The model's outputs for x (rows = batch). The caller disposes x and the result. */
  run(x: tf.Tensor): Promise<tf.Tensor>;
  /** Releases the session. */
  dispose(): void;
  /** One line for logs: threads and graph size. */
  description: string;
}

/** An onnxruntime session computing `model`'s forward pass, or why there is none. */
export async function createOnnxFrozenForward(
  model: tf.LayersModel,
  options: OnnxFrozenForwardOptions = {},
): Promise<OnnxFrozenForward | { unavailable: string }> {
  const runtime = loadOnnxRuntime(options.loader);
  if ('unavailable' in runtime) return runtime;
  const exported = exportLayersModelToOnnx(model);
  if (!exported.ok) return { unavailable: `model '${model.name}' is not exported to ONNX: ${exported.reason}` };
  const { ort } = runtime;
  const { bytes, inputName, outputName, inputDtype, layerCount } = exported.onnx;
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Idle pool threads sleep instead of spinning: measured on 2 busy cores (nn-sentiment, 2,000
      // rows, 2 threads), spinning doubled the CPU time and made 2 threads slower than 1.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  } catch (err) {
    return { unavailable: `onnxruntime could not load the exported model '${model.name}': ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  let released = false;
  return {
    description: `onnxruntime-node ${ort.env.versions.node ?? ''} (CPU, ${threads} thread${threads === 1 ? '' : 's'}), ${layerCount} layers, ${(bytes.length / 1e6).toFixed(1)} MB graph`,
    async run(x: tf.Tensor): Promise<tf.Tensor> {
      if (released) throw new Error('the onnxruntime frozen forward was disposed');
      const input = x.dtype === inputDtype ? x : tf.cast(x, inputDtype);
      try {
        // A cast tensor may keep its source's array type (tfjs cpu's int32 → float32), so the type is made exact here.
        const raw = await input.data();
        const feeds = {
          [inputName]:
            inputDtype === 'float32'
              ? new ort.Tensor('float32', raw instanceof Float32Array ? raw : Float32Array.from(raw as ArrayLike<number>), input.shape)
              : new ort.Tensor('int32', raw instanceof Int32Array ? raw : Int32Array.from(raw as ArrayLike<number>), input.shape),
        };
        const results = await session.run(feeds, [outputName]);
        const out = results[outputName];
        if (out.type !== 'float32') throw new Error(`onnxruntime returned ${out.type}, expected float32`);
        const values = (out.data as Float32Array).slice();
        return tf.tensor(values, [...out.dims], 'float32');
      } finally {
        if (input !== x) input.dispose();
      }
    },
    dispose(): void {
      if (released) return;
      released = true;
      session.release().catch(() => undefined);
    },
  };
}
