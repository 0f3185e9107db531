// Shared types and helpers of the tfjs-layer → ONNX converters: the context a converter gets,
// the error that marks a layer as unsupported, weight access and host-side array transposes.

import type * as tf from '@tensorflow/tfjs';
import type { GraphValue, OnnxGraphBuilder } from './onnxGraphBuilder';

/** What a layer converter gets: the builder, the layer, its input values and its output shape. */
export interface LayerContext {
  b: OnnxGraphBuilder;
  layer: tf.layers.Layer;
  inputs: GraphValue[];
  /** The layer's output shape for these inputs (tfjs terms, batch null). */
  outputShape: Array<number | null>;
}

/** Converts one application of a layer; throws UnsupportedLayerError when it cannot be exact. */
export type LayerConverter = (ctx: LayerContext) => GraphValue;

/** A layer (or a setting of it) the exporter does not translate: the export is refused, never approximated. */
export class UnsupportedLayerError extends Error {
  constructor(
    readonly layerName: string,
    readonly className: string,
    readonly why: string,
  ) {
    super(`layer '${layerName}' (${className}): ${why}`);
    this.name = 'UnsupportedLayerError';
  }
}

export function unsupported(ctx: LayerContext, why: string): never {
  throw new UnsupportedLayerError(ctx.layer.name, ctx.layer.getClassName(), why);
}

/** The only input of a single-input layer. */
export function single(ctx: LayerContext): GraphValue {
  if (ctx.inputs.length !== 1) unsupported(ctx, `expected one input, got ${ctx.inputs.length}`);
  return ctx.inputs[0];
}

/** A copy of a weight's values, found by the end of its name (e.g. 'kernel', 'bias'). */
export function weightValues(ctx: LayerContext, suffix: string): { data: Float32Array; shape: number[] } | null {
  const match = ctx.layer.weights.find((w) => w.originalName === suffix || w.originalName.endsWith(`/${suffix}`));
  if (match === undefined) return null;
  const value = match.read();
  if (value.dtype !== 'float32') unsupported(ctx, `weight ${match.originalName} is ${value.dtype}, only float32 is exported`);
  return { data: Float32Array.from(value.dataSync() as Float32Array), shape: [...value.shape] };
}

/** Like weightValues, but the weight must exist. */
export function requiredWeight(ctx: LayerContext, suffix: string): { data: Float32Array; shape: number[] } {
  const w = weightValues(ctx, suffix);
  if (w === null) unsupported(ctx, `no weight named '${suffix}' (has ${ctx.layer.weights.map((v) => v.originalName).join(', ') || 'none'})`);
  return w;
}

/** Transposes a row-major array of `shape` by `perm` (as tf.transpose would). */
export function transposeArray(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d];
  }
  const strideForOut = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += index[d] * strideForOut[d];
    out[o] = data[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

/** A config field that must be a string. */
export function configString(ctx: LayerContext, key: string): string {
  const v = ctx.layer.getConfig()[key];
  if (typeof v !== 'string') unsupported(ctx, `config ${key} is ${JSON.stringify(v)}`);
  return v;
}

/** A config field that must be a list of numbers (or one number, repeated `n` times). */
export function configNumbers(ctx: LayerContext, key: string, n: number): number[] {
  const v = ctx.layer.getConfig()[key];
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number')) unsupported(ctx, `config ${key} is ${JSON.stringify(v)}`);
  return v as number[];
}
