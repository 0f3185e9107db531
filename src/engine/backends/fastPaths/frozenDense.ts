// Frozen Dense layers without weight gradients: the fast path 'frozen-dense-input-grad-only'.
//
// tfjs-layers' Dense computes x·W + b (+ relu/linear/elu) with tf.fused.matMul, whose gradient is
// one custom function that always computes dx, dW and db, even when W and b are frozen (LoRA,
// adapters, a frozen base under a trained head): in a BERT-mini LoRA step that was about a third
// of the matMul work. When the fast path is on and a Dense layer is frozen (trainable false) and a
// gradient tape is recording, its call computes the same thing with plain ops instead
// (matMul on the last axis, add the bias, the layer's own activation object), so autodiff computes
// only the gradients that are asked for: dx, and dW / db only if someone asks for them anyway.
// Outputs agree with the fused kernel to float rounding (the bias is added after the dot product
// instead of inside it). Trainable layers, and every call outside a gradient tape (prediction,
// evaluation, feature caching), stay on the stock code.
//
// It patches Dense.prototype.call once (the class registered as 'Dense' in tfjs's serialization
// map) and reads three private fields of tfjs-layers 4.22's Dense (kernel, bias, activation), so it
// is pinned like the wasm overrides: on another tfjs version enable() refuses and says why.

import * as tf from '@tensorflow/tfjs';
import { dotLastAxis } from '../../techniques/tfjsTypes';
import { loadedTfjsVersions, PINNED_TFJS_VERSION, type TfjsVersions } from './wasmMatMulOverride';

/** The name the run records for this fast path. */
export const FROZEN_DENSE_FAST_PATH = 'frozen-dense-input-grad-only';

/** Calls that took the plain-ops route, for tests and benchmarks. */
export const frozenDenseCounts = { plain: 0 };

type Kwargs = Parameters<tf.layers.Layer['call']>[1];
type CallFn = (this: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs) => tf.Tensor | tf.Tensor[];

/** The private fields of tfjs-layers 4.22's Dense this path reads. */
interface DenseInternals {
  kernel?: tf.LayerVariable | null;
  bias?: tf.LayerVariable | null;
  activation?: { apply(x: tf.Tensor): tf.Tensor } | null;
}

let enabled = false;
let patchedPrototype: { call: CallFn } | null = null;
let stockCall: CallFn | null = null;

function denseClassPrototype(): { call: CallFn } | null {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap['Dense'] as unknown;
  if (!Array.isArray(entry) || typeof entry[0] !== 'function') return null;
  const proto: unknown = (entry[0] as { prototype: unknown }).prototype;
  if (typeof proto !== 'object' || proto === null || typeof (proto as { call?: unknown }).call !== 'function') return null;
  return proto as { call: CallFn };
}

/** The plain-ops forward of a frozen Dense, or null when the layer does not look like tfjs 4.22's Dense. */
function plainCall(layer: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | null {
  const d = layer as unknown as DenseInternals;
  const kernel = d.kernel;
  const activation = d.activation;
  if (kernel == null || activation == null || typeof activation.apply !== 'function') return null;
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
  if (x === null || x.rank < 2) return null;
  const bias = d.bias ?? null;
  frozenDenseCounts.plain++;
  return tf.tidy(() => {
    let y = dotLastAxis(x, kernel.read());
    if (bias !== null) y = tf.add(y, bias.read());
    return activation.apply(y);
  });
}

function fastCall(this: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
  if (stockCall === null) throw new Error(`${FROZEN_DENSE_FAST_PATH}: the stock Dense call is missing`);
  if (enabled && !this.trainable && tf.engine().isTapeOn()) {
    const out = plainCall(this, inputs);
    if (out !== null) return out;
  }
  return stockCall.call(this, inputs, kwargs);
}

/** True while the fast path is on. */
export function isFrozenDenseEnabled(): boolean {
  return enabled;
}

/** Turns the fast path on (idempotent); null when on, else why not (then nothing changed). */
export function enableFrozenDense(versions: TfjsVersions = loadedTfjsVersions()): string | null {
  if (versions.core !== PINNED_TFJS_VERSION) {
    return `${FROZEN_DENSE_FAST_PATH} is written for tfjs ${PINNED_TFJS_VERSION}, found tfjs-core ${versions.core}`;
  }
  if (patchedPrototype === null) {
    const proto = denseClassPrototype();
    if (proto === null) return `${FROZEN_DENSE_FAST_PATH}: no Dense layer class is registered with tfjs`;
    stockCall = proto.call;
    proto.call = fastCall;
    patchedPrototype = proto;
  }
  enabled = true;
  return null;
}

/** Turns the fast path off: every Dense call takes the stock code again. */
export function disableFrozenDense(): void {
  enabled = false;
}
