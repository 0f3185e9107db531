// What FtLstm (lstm.ts) and FtBidirectionalLstm (bidirectionalLstm.ts) share: their arguments, the
// weights of one LSTM direction (Keras' kernel [in, 4u], recurrent_kernel [u, 4u], bias [4u], gates
// i, f, c, o), LoRA on both kernels, and running one direction either through the fused op
// (fastPaths/fusedLstm.ts, wasm and cpu backends with the fast paths on) or as stock tf ops
// (tfjs' LSTMCell math, gradients from tfjs autodiff).
//
// Per direction (tfjs' LSTMCell, activation tanh):
//   z = x·W + h·U + b;  i = σ(z_i), f = σ(z_f), c' = f*c + i*tanh(z_c), o = σ(z_o), h' = o*tanh(c')
// with σ = hard_sigmoid(v) = clip(0.5 + 0.2·v, 0, 1) (Keras 2's default; tfjs' exact formula) or
// sigmoid; h_0 = c_0 = 0. No masks, no dropout (converted models must not use them).
// LoRA (loraRank r > 0), as FtBidirectionalGru: W_eff = W + (alpha/r)·A_k·B_k, U_eff = U + (alpha/r)·A_r·B_r,
// A random normal (std 1/r, seeded), B zero; the base weights are then non-trainable. LoRA dropout
// (training only) applies to the input of the input-kernel branch: x·W + (alpha/r)·(dropout(x)·A_k)·B_k.

import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { fusedLstm, fusedLstmApplies } from '../backends/fastPaths/fusedLstm';
import { stackSteps, unstackSteps, type RecurrentActivationName } from './bidirectionalGru';

export type Shape = Array<number | null>;

export interface LstmLayerArgs extends LayerArgs {
  /** Units (of each direction, for the bidirectional layer). */
  units: number;
  /** true: output every timestep; false: the last state. Default false (Keras' default). */
  returnSequences?: boolean;
  /** Gate activation: 'hardSigmoid' (also 'hard_sigmoid'; Keras 2's and tfjs' default) or 'sigmoid'. */
  recurrentActivation?: RecurrentActivationName | 'hard_sigmoid';
  /** Whether the layer has a bias. Default true. */
  useBias?: boolean;
  /** Initialize the forget gate's bias to 1 (Keras' unit_forget_bias; matters only at initialization). Default true. */
  unitForgetBias?: boolean;
  /** LoRA rank r; 0 turns LoRA off. Default 0. */
  loraRank?: number;
  /** LoRA scale numerator: the update is (alpha / r)·A·B. Default r (scale 1). */
  loraAlpha?: number;
  /** Dropout rate on the input-kernel LoRA branch's input, training only. Default 0. */
  loraDropout?: number;
  /** Seed of the A matrices' initializer (each A uses seed + its index). Default 0. */
  loraSeed?: number;
}

/** The weights of one direction. */
export interface LstmDirectionWeights {
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  lora: {
    kernelA: tf.LayerVariable;
    kernelB: tf.LayerVariable;
    recurrentA: tf.LayerVariable;
    recurrentB: tf.LayerVariable;
  } | null;
}

function nonNegativeInteger(owner: string, value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`${owner}: ${field} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function finiteNumber(owner: string, value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${owner}: ${field} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function optionalBoolean(owner: string, value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new Error(`${owner}: ${field} must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

function parseRecurrentActivation(owner: string, value: unknown): RecurrentActivationName {
  if (value === undefined || value === null || value === 'hardSigmoid' || value === 'hard_sigmoid') return 'hardSigmoid';
  if (value === 'sigmoid') return 'sigmoid';
  throw new Error(`${owner}: recurrentActivation must be 'hardSigmoid' or 'sigmoid', got ${JSON.stringify(value)}`);
}

/** tfjs' hardSigmoid, op for op: clip(0.5 + 0.2·v, 0, 1). */
function hardSigmoid(v: tf.Tensor): tf.Tensor {
  return tf.clipByValue(tf.add(0.5, tf.mul(0.2, v)), 0, 1);
}

export abstract class FtLstmBase extends tf.layers.Layer {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly recurrentActivation: RecurrentActivationName;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  readonly loraRank: number;
  readonly loraAlpha: number;
  readonly loraDropout: number;
  readonly loraSeed: number;

  constructor(args: LstmLayerArgs, owner: string) {
    super(args);
    const units: unknown = args.units;
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
      throw new Error(`${owner}: units must be a positive integer, got ${JSON.stringify(units)}`);
    }
    this.units = units;
    this.returnSequences = optionalBoolean(owner, args.returnSequences, 'returnSequences', false);
    this.recurrentActivation = parseRecurrentActivation(owner, args.recurrentActivation);
    this.useBias = optionalBoolean(owner, args.useBias, 'useBias', true);
    this.unitForgetBias = optionalBoolean(owner, args.unitForgetBias, 'unitForgetBias', true);
    this.loraRank = nonNegativeInteger(owner, args.loraRank, 'loraRank', 0);
    this.loraAlpha = finiteNumber(owner, args.loraAlpha, 'loraAlpha', this.loraRank);
    this.loraDropout = finiteNumber(owner, args.loraDropout, 'loraDropout', 0);
    if (this.loraDropout < 0 || this.loraDropout >= 1) throw new Error(`${owner}: loraDropout must be in [0, 1), got ${this.loraDropout}`);
    this.loraSeed = nonNegativeInteger(owner, args.loraSeed, 'loraSeed', 0);
    this.supportsMasking = false;
  }

  /** The directions' weights in Keras' order (forward, then backward); empty before build(). */
  protected abstract directions(): LstmDirectionWeights[];

  /** (alpha / r), the LoRA update's scale; 0 when LoRA is off. */
  get loraScale(): number {
    return this.loraRank > 0 ? this.loraAlpha / this.loraRank : 0;
  }

  /** The input's feature size, checked: the layer takes [batch, time, features]. */
  protected inputDimOf(inputShape: Shape | Shape[]): number {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inputDim = shape[shape.length - 1];
    if (shape.length !== 3 || typeof inputDim !== 'number') {
      throw new Error(`${this.getClassName()} expects input [batch, time, features] with known features, got [${shape.join(', ')}]`);
    }
    return inputDim;
  }

  /** Output shape with `width` features per step (units, or 2·units for both directions). */
  protected outputShapeOf(inputShape: Shape | Shape[], width: number): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return this.returnSequences ? [shape[0], shape[1], width] : [shape[0], width];
  }

  /** Adds one direction's weights; `prefix` ('' or 'forward_lstm') goes before each weight name. */
  protected addDirection(prefix: string, inputDim: number, seedOffset: number): LstmDirectionWeights {
    const u = this.units;
    const named = (s: string): string => (prefix === '' ? s : `${prefix}/${s}`);
    const baseTrainable = this.loraRank === 0;
    const kernel = this.addWeight(named('kernel'), [inputDim, 4 * u], 'float32', tf.initializers.glorotUniform({}), undefined, baseTrainable);
    const recurrentKernel = this.addWeight(named('recurrent_kernel'), [u, 4 * u], 'float32', tf.initializers.orthogonal({}), undefined, baseTrainable);
    let bias: tf.LayerVariable | null = null;
    if (this.useBias) {
      bias = this.addWeight(named('bias'), [4 * u], 'float32', tf.initializers.zeros(), undefined, baseTrainable);
      if (this.unitForgetBias) bias.write(tf.tidy(() => tf.concat([tf.zeros([u]), tf.ones([u]), tf.zeros([2 * u])])));
    }
    if (this.loraRank === 0) return { kernel, recurrentKernel, bias, lora: null };
    const r = this.loraRank;
    const normal = (k: number): ReturnType<typeof tf.initializers.zeros> =>
      tf.initializers.randomNormal({ mean: 0, stddev: 1 / r, seed: this.loraSeed + seedOffset + k });
    return {
      kernel,
      recurrentKernel,
      bias,
      lora: {
        kernelA: this.addWeight(named('lora_kernel_a'), [inputDim, r], 'float32', normal(0), undefined, true),
        kernelB: this.addWeight(named('lora_kernel_b'), [r, 4 * u], 'float32', tf.initializers.zeros(), undefined, true),
        recurrentA: this.addWeight(named('lora_recurrent_kernel_a'), [u, r], 'float32', normal(1), undefined, true),
        recurrentB: this.addWeight(named('lora_recurrent_kernel_b'), [r, 4 * u], 'float32', tf.initializers.zeros(), undefined, true),
      },
    };
  }

  /** Effective kernels of one direction (LoRA folded in when on). */
  protected effectiveKernels(w: LstmDirectionWeights): { kernel: tf.Tensor2D; recurrentKernel: tf.Tensor2D } {
    const kernel = w.kernel.read() as tf.Tensor2D;
    const recurrentKernel = w.recurrentKernel.read() as tf.Tensor2D;
    if (w.lora === null) return { kernel, recurrentKernel };
    const s = this.loraScale;
    const l = w.lora;
    return {
      kernel: tf.add(kernel, tf.mul(s, tf.matMul(l.kernelA.read() as tf.Tensor2D, l.kernelB.read() as tf.Tensor2D))),
      recurrentKernel: tf.add(recurrentKernel, tf.mul(s, tf.matMul(l.recurrentA.read() as tf.Tensor2D, l.recurrentB.read() as tf.Tensor2D))),
    };
  }

  /** Reads the `training` kwarg and checks the input; the input as [batch, time, features]. */
  protected prepare(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): { x: tf.Tensor3D; training: boolean } {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (this.directions().length === 0) throw new Error(`${this.getClassName()}: call() before build()`);
    if (x.rank !== 3) throw new Error(`${this.getClassName()} expects [batch, time, features], got [${x.shape.join(', ')}]`);
    return { x: x as tf.Tensor3D, training: kwargs['training'] === true };
  }

  /**
   * One direction over x [batch, time, in]: the input projections x·W_eff + b (with LoRA's dropout
   * branch while training) as tf ops, then the recurrence fused or as stock tf ops.
   * Output [batch, time, u] (reverse: each output at its input's time index) or [batch, u].
   */
  protected runDirection(x: tf.Tensor3D, w: LstmDirectionWeights, reverse: boolean, training: boolean): tf.Tensor {
    const [batch, time, inputDim] = x.shape;
    const u = this.units;
    const rows = tf.reshape(x, [batch * time, inputDim]) as tf.Tensor2D;
    const useDropout = training && this.loraDropout > 0 && w.lora !== null;
    const eff = this.effectiveKernels(w);
    let proj: tf.Tensor = tf.matMul(rows, useDropout ? (w.kernel.read() as tf.Tensor2D) : eff.kernel);
    if (useDropout && w.lora !== null) {
      const dropped = tf.matMul(tf.dropout(rows, this.loraDropout), w.lora.kernelA.read() as tf.Tensor2D);
      proj = tf.add(proj, tf.mul(this.loraScale, tf.matMul(dropped, w.lora.kernelB.read() as tf.Tensor2D)));
    }
    if (w.bias !== null) proj = tf.add(proj, w.bias.read());
    const proj3 = tf.reshape(proj, [batch, time, 4 * u]) as tf.Tensor3D;
    const options = { activation: this.recurrentActivation, returnSequences: this.returnSequences, reverse };
    if (fusedLstmApplies()) return fusedLstm(proj3, eff.recurrentKernel, options);
    return this.stockRecurrence(proj3, eff.recurrentKernel, reverse);
  }

  /** The recurrence as tf ops, step by step (tfjs' LSTMCell); gradients from tfjs autodiff. */
  private stockRecurrence(proj: tf.Tensor3D, U: tf.Tensor2D, reverse: boolean): tf.Tensor {
    const [batch, time] = proj.shape;
    const u = this.units;
    const act = this.recurrentActivation === 'hardSigmoid' ? hardSigmoid : (v: tf.Tensor): tf.Tensor => tf.sigmoid(v);
    const steps = unstackSteps(tf.transpose(proj, [1, 0, 2])) as tf.Tensor2D[];
    let h: tf.Tensor2D = tf.zeros([batch, u]);
    let c: tf.Tensor2D = tf.zeros([batch, u]);
    const outputs = new Array<tf.Tensor2D>(time);
    for (let s = 0; s < time; s++) {
      const t = reverse ? time - 1 - s : s;
      const z = tf.add(steps[t], tf.matMul(h, U));
      const [zi, zf, zc, zo] = tf.split(z, 4, 1);
      const i = act(zi);
      const f = act(zf);
      c = tf.add(tf.mul(f, c), tf.mul(i, tf.tanh(zc))) as tf.Tensor2D;
      const o = act(zo);
      h = tf.mul(o, tf.tanh(c)) as tf.Tensor2D;
      outputs[t] = h;
    }
    if (!this.returnSequences) return h;
    return tf.transpose(stackSteps(outputs), [1, 0, 2]);
  }

  /** The base weights in Keras' order: per direction kernel, recurrent_kernel, bias (when used). */
  kerasOrderWeights(): tf.LayerVariable[] {
    const dirs = this.directions();
    if (dirs.length === 0) throw new Error(`${this.getClassName()}: weights before build()`);
    return dirs.flatMap((w) => [w.kernel, w.recurrentKernel, ...(w.bias === null ? [] : [w.bias])]);
  }

  /** Sets the base weights from Keras' order (see kerasOrderWeights): a Keras LSTM's weights load unchanged. */
  setKerasOrderWeights(values: readonly tf.Tensor[]): void {
    const vars = this.kerasOrderWeights();
    if (values.length !== vars.length) {
      throw new Error(`${this.getClassName()} ${this.name}: expected ${vars.length} weights (kernel, recurrent_kernel${this.useBias ? ', bias' : ''} per direction), got ${values.length}`);
    }
    vars.forEach((v, i) => {
      const value = values[i];
      if (v.shape.length !== value.shape.length || v.shape.some((d, k) => d !== value.shape[k])) {
        throw new Error(`${this.getClassName()} ${this.name}: weight ${v.originalName} has shape [${v.shape.join(', ')}], got [${value.shape.join(', ')}]`);
      }
      v.write(value);
    });
  }

  /**
   * The base weights in Keras' order with LoRA folded into the kernels (W + (alpha/r)·A·B,
   * U + (alpha/r)·A_r·B_r): the weights of the same layer with loraRank 0. The caller disposes them.
   */
  mergedKerasOrderWeights(): tf.Tensor[] {
    const dirs = this.directions();
    if (dirs.length === 0) throw new Error(`${this.getClassName()}: merge before build()`);
    return dirs.flatMap((w) => {
      const [kernel, recurrentKernel] = tf.tidy(() => {
        const eff = this.effectiveKernels(w);
        return [tf.clone(eff.kernel), tf.clone(eff.recurrentKernel)];
      });
      return [kernel, recurrentKernel, ...(w.bias === null ? [] : [tf.clone(w.bias.read())])];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      returnSequences: this.returnSequences,
      recurrentActivation: this.recurrentActivation,
      useBias: this.useBias,
      unitForgetBias: this.unitForgetBias,
      loraRank: this.loraRank,
      loraAlpha: this.loraAlpha,
      loraDropout: this.loraDropout,
      loraSeed: this.loraSeed,
    };
  }
}
