// FtBidirectionalGru: Keras 2.1.6 Bidirectional(GRU(units, return_sequences, activation='tanh',
// recurrent_activation='hard_sigmoid', reset_after=False), merge_mode='concat') as one layer,
// with optional LoRA on both kernels of both directions.
//
// Per direction (gate order z, r, h; W = kernel [in, 3u], U = recurrent_kernel [u, 3u], b = bias [3u]):
//   [x_z, x_r, x_h] = x_t·W + b
//   z = σ(x_z + h_{t-1}·U_z),  r = σ(x_r + h_{t-1}·U_r)      σ = hard_sigmoid = clip(0.2x + 0.5, 0, 1)
//   h~ = tanh(x_h + (r * h_{t-1})·U_h)
//   h_t = z * h_{t-1} + (1 - z) * h~                          h_0 = 0
// The backward direction runs over the reversed sequence; its outputs are reversed back before
// the concatenation [forward, backward] on the last axis (Keras' Bidirectional does the same).
// Masks are not supported (converted models must not use mask_zero).
//
// LoRA (loraRank r > 0): per direction, W_eff = W + (alpha/r)·A_k·B_k and U_eff = U + (alpha/r)·A_r·B_r
// with A random normal (std 1/r, seeded), B zero, so a fresh LoRA layer computes exactly the base.
// The base kernels and biases are then created non-trainable and only A, B train.
// Dropout (loraDropout > 0, training only) applies to the input x of the input-kernel branch:
// x·W + (alpha/r)·(dropout(x)·A_k)·B_k. The recurrent branch gets no dropout.
//
// Implementation with the CPU fast paths on (wasm and cpu backends; fastPaths/fusedBidirectionalGru.ts):
// the input projections as tf ops, the recurrence as one fused op with a hand-written gradient
// (runFused). Otherwise, and on GPU backends, the stock path (run): tf ops only (gradients from
// tfjs autodiff). There both directions run in one loop over time as a batch of 2 (batched
// matMuls), with the input projections of all timesteps precomputed, and a layout where every
// per-step tensor is a contiguous block. On the cpu backend this is ~4x faster forward and ~2x
// faster forward+backward than a per-direction loop with strided slices. Both paths match tfjs'
// own Bidirectional(GRU) within float rounding (tests).
//
// Weights (names like Keras: the layer's name scope, then forward_<gru>/…, backward_<gru>/…):
//   forward_<gru>/kernel, forward_<gru>/recurrent_kernel, forward_<gru>/bias, same for backward_<gru>,
//   and with LoRA forward_<gru>/lora_kernel_a, …/lora_kernel_b, …/lora_recurrent_kernel_a, …/lora_recurrent_kernel_b.

import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { fusedBidirectionalGru, fusedGruApplies } from '../backends/fastPaths/fusedBidirectionalGru';

type Shape = Array<number | null>;

export type RecurrentActivationName = 'hardSigmoid' | 'sigmoid';

export interface FtBidirectionalGruArgs extends LayerArgs {
  /** Units of each direction (the output has 2·units features). */
  units: number;
  /** true: output every timestep [batch, time, 2u]; false: the last state of each direction [batch, 2u]. Default true. */
  returnSequences?: boolean;
  /** Gate activation: Keras 2's default 'hardSigmoid' (also accepts 'hard_sigmoid') or 'sigmoid'. */
  recurrentActivation?: RecurrentActivationName | 'hard_sigmoid';
  /**
   * The wrapped Keras GRU (only its name, used in weight names: forward_<name>/kernel). Nested
   * under `name` because tfjs' config case conversion leaves `name` values alone. Default 'gru'.
   */
  innerLayer?: { name: string };
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
interface DirectionWeights {
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable;
  lora: {
    kernelA: tf.LayerVariable;
    kernelB: tf.LayerVariable;
    recurrentA: tf.LayerVariable;
    recurrentB: tf.LayerVariable;
  } | null;
}

function nonNegativeInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`FtBidirectionalGru: ${field} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function finiteNumber(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`FtBidirectionalGru: ${field} must be a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseRecurrentActivation(value: unknown): RecurrentActivationName {
  if (value === undefined || value === null || value === 'hardSigmoid' || value === 'hard_sigmoid') return 'hardSigmoid';
  if (value === 'sigmoid') return 'sigmoid';
  throw new Error(`FtBidirectionalGru: recurrentActivation must be 'hardSigmoid' or 'sigmoid', got ${JSON.stringify(value)}`);
}

function parseInnerName(value: unknown): string {
  if (value === undefined || value === null) return 'gru';
  if (typeof value === 'object' && 'name' in value && typeof value.name === 'string' && value.name.length > 0) return value.name;
  throw new Error(`FtBidirectionalGru: innerLayer must be {name: string}, got ${JSON.stringify(value)}`);
}

/** Chunk length for the two-level step split: about √n. */
function chunkLength(n: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(n)));
}

function chunkSizes(n: number): number[] {
  const chunk = chunkLength(n);
  const sizes: number[] = [];
  for (let i = 0; i < n; i += chunk) sizes.push(Math.min(chunk, n - i));
  return sizes;
}

/**
 * tf.unstack along axis 0, in two levels (√n chunks, then steps). The wasm backend's Slice copies
 * its whole input for every slice, so a flat unstack of n steps copies the tensor n times; two
 * levels copy it about 2·√n times. On the cpu backend both are contiguous views.
 */
export function unstackSteps(x: tf.Tensor): tf.Tensor[] {
  const n = x.shape[0];
  if (n <= 4) return unstackSafe(x);
  return tf.split(x, chunkSizes(n), 0).flatMap(unstackSafe);
}

/** tf.unstack, except that one step is a reshape: tfjs 4.22's Unpack gradient fails for a single output. */
function unstackSafe(x: tf.Tensor): tf.Tensor[] {
  return x.shape[0] === 1 ? [tf.reshape(x, x.shape.slice(1))] : tf.unstack(x);
}

/** tf.stack along a new axis 0, in two levels, so that its gradient splits in two levels too. */
export function stackSteps(steps: tf.Tensor[]): tf.Tensor {
  const n = steps.length;
  if (n <= 4) return tf.stack(steps);
  const chunks: tf.Tensor[] = [];
  let start = 0;
  for (const size of chunkSizes(n)) {
    chunks.push(tf.stack(steps.slice(start, start + size)));
    start += size;
  }
  return tf.concat(chunks, 0);
}

export class FtBidirectionalGru extends tf.layers.Layer {
  static readonly className = 'FtBidirectionalGru';

  readonly units: number;
  readonly returnSequences: boolean;
  readonly recurrentActivation: RecurrentActivationName;
  readonly innerName: string;
  readonly loraRank: number;
  readonly loraAlpha: number;
  readonly loraDropout: number;
  readonly loraSeed: number;

  private forward: DirectionWeights | null = null;
  private backward: DirectionWeights | null = null;

  constructor(args: FtBidirectionalGruArgs) {
    super(args);
    const units: unknown = args.units;
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
      throw new Error(`FtBidirectionalGru: units must be a positive integer, got ${JSON.stringify(units)}`);
    }
    this.units = units;
    const returnSequences: unknown = args.returnSequences;
    if (returnSequences !== undefined && returnSequences !== null && typeof returnSequences !== 'boolean') {
      throw new Error(`FtBidirectionalGru: returnSequences must be a boolean, got ${JSON.stringify(returnSequences)}`);
    }
    this.returnSequences = returnSequences ?? true;
    this.recurrentActivation = parseRecurrentActivation(args.recurrentActivation);
    this.innerName = parseInnerName(args.innerLayer);
    this.loraRank = nonNegativeInteger(args.loraRank, 'loraRank', 0);
    this.loraAlpha = finiteNumber(args.loraAlpha, 'loraAlpha', this.loraRank);
    this.loraDropout = finiteNumber(args.loraDropout, 'loraDropout', 0);
    if (this.loraDropout < 0 || this.loraDropout >= 1) {
      throw new Error(`FtBidirectionalGru: loraDropout must be in [0, 1), got ${this.loraDropout}`);
    }
    this.loraSeed = nonNegativeInteger(args.loraSeed, 'loraSeed', 0);
    this.supportsMasking = false;
  }

  /** (alpha / r), the LoRA update's scale; 0 when LoRA is off. */
  get loraScale(): number {
    return this.loraRank > 0 ? this.loraAlpha / this.loraRank : 0;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inputDim = shape[shape.length - 1];
    if (shape.length !== 3 || typeof inputDim !== 'number') {
      throw new Error(`FtBidirectionalGru expects input [batch, time, features] with known features, got [${shape.join(', ')}]`);
    }
    this.forward = this.addDirection(`forward_${this.innerName}`, inputDim, 0);
    this.backward = this.addDirection(`backward_${this.innerName}`, inputDim, 2);
    this.built = true;
  }

  private addDirection(prefix: string, inputDim: number, seedOffset: number): DirectionWeights {
    const u = this.units;
    const baseTrainable = this.loraRank === 0;
    const kernel = this.addWeight(`${prefix}/kernel`, [inputDim, 3 * u], 'float32', tf.initializers.glorotUniform({}), undefined, baseTrainable);
    const recurrentKernel = this.addWeight(`${prefix}/recurrent_kernel`, [u, 3 * u], 'float32', tf.initializers.orthogonal({}), undefined, baseTrainable);
    const bias = this.addWeight(`${prefix}/bias`, [3 * u], 'float32', tf.initializers.zeros(), undefined, baseTrainable);
    if (this.loraRank === 0) return { kernel, recurrentKernel, bias, lora: null };
    const r = this.loraRank;
    const normal = (k: number): ReturnType<typeof tf.initializers.zeros> =>
      tf.initializers.randomNormal({ mean: 0, stddev: 1 / r, seed: this.loraSeed + seedOffset + k });
    return {
      kernel,
      recurrentKernel,
      bias,
      lora: {
        kernelA: this.addWeight(`${prefix}/lora_kernel_a`, [inputDim, r], 'float32', normal(0), undefined, true),
        kernelB: this.addWeight(`${prefix}/lora_kernel_b`, [r, 3 * u], 'float32', tf.initializers.zeros(), undefined, true),
        recurrentA: this.addWeight(`${prefix}/lora_recurrent_kernel_a`, [u, r], 'float32', normal(1), undefined, true),
        recurrentB: this.addWeight(`${prefix}/lora_recurrent_kernel_b`, [r, 3 * u], 'float32', tf.initializers.zeros(), undefined, true),
      },
    };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return this.returnSequences ? [shape[0], shape[1], 2 * this.units] : [shape[0], 2 * this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (this.forward === null || this.backward === null) throw new Error('FtBidirectionalGru: call() before build()');
      if (x.rank !== 3) throw new Error(`FtBidirectionalGru expects [batch, time, features], got [${x.shape.join(', ')}]`);
      const trainingArg: unknown = kwargs['training'];
      const training = trainingArg === true;
      if (fusedGruApplies()) return this.runFused(x as tf.Tensor3D, this.forward, this.backward, training);
      return this.run(x as tf.Tensor3D, this.forward, this.backward, training);
    });
  }

  /** Effective kernels of one direction (LoRA folded in when on). */
  private effectiveKernels(w: DirectionWeights): { kernel: tf.Tensor2D; recurrentKernel: tf.Tensor2D } {
    const kernel = w.kernel.read() as tf.Tensor2D;
    const recurrentKernel = w.recurrentKernel.read() as tf.Tensor2D;
    if (w.lora === null) return { kernel, recurrentKernel };
    const s = this.loraScale;
    const l = w.lora;
    return {
      kernel: tf.add(kernel, tf.mul(s, tf.matMul(l.kernelA.read() as tf.Tensor2D, l.kernelB.read() as tf.Tensor2D))),
      recurrentKernel: tf.add(
        recurrentKernel,
        tf.mul(s, tf.matMul(l.recurrentA.read() as tf.Tensor2D, l.recurrentB.read() as tf.Tensor2D)),
      ),
    };
  }

  /** Columns [g·u, (g+1)·u) of a [rows, 3u] matrix or a [3u] vector: gate g of (z, r, h). */
  private gateColumns(m: tf.Tensor, g: number): tf.Tensor {
    const u = this.units;
    return m.rank === 1 ? tf.slice(m, [g * u], [u]) : tf.slice(m, [0, g * u], [m.shape[0], u]);
  }

  /**
   * Both directions in one loop: the state is [2, batch, u] (forward, backward) and each gate's
   * recurrent kernel [2, u, u], so a timestep costs one batched op where two would do.
   * Layout is chosen so that every per-step tensor, and every gradient of a per-step split, is a
   * contiguous block: strided slices (and the unstack/split gradients that produce them) are
   * what makes a naive loop slow on the cpu and wasm backends.
   * Inputs: time-major rows [2, time·batch, in] (the backward direction's in reversed time);
   * x·W_g + b_g for all timesteps as one batched matMul per gate, transposed to [time, 2, batch, u].
   * hard_sigmoid(v) = clip(0.2·v + 0.5, 0, 1): the 0.2 and 0.5 are folded into the precomputed
   * input terms and the z, r recurrent kernels (same values up to float rounding).
   */
  private run(x: tf.Tensor3D, fw: DirectionWeights, bw: DirectionWeights, training: boolean): tf.Tensor {
    const [batch, time, inputDim] = x.shape;
    const u = this.units;
    const hard = this.recurrentActivation === 'hardSigmoid';
    const timeMajor = tf.transpose(x, [1, 0, 2]);
    // Time reversal along the leading axis with contiguous copies only (cpu's Reverse is per element).
    const reversed = stackSteps(unstackSteps(timeMajor).reverse());
    const rows = tf.reshape(tf.stack([timeMajor, reversed]), [2, time * batch, inputDim]) as tf.Tensor3D;
    const dirs = [fw, bw];
    const useDropout = training && this.loraDropout > 0 && fw.lora !== null && bw.lora !== null;
    const eff = dirs.map((w) => this.effectiveKernels(w));
    // LoRA with dropout: x·W + s·(dropout(x)·A)·B, the B part added per gate below.
    let droppedA: tf.Tensor3D | null = null;
    if (useDropout && fw.lora !== null && bw.lora !== null) {
      const a = tf.stack([fw.lora.kernelA.read(), bw.lora.kernelA.read()]) as tf.Tensor3D;
      droppedA = tf.matMul(tf.dropout(rows, this.loraDropout), a) as tf.Tensor3D;
    }
    const both = (parts: (w: DirectionWeights, d: number) => tf.Tensor): tf.Tensor => tf.stack(dirs.map(parts));
    const gates = [0, 1, 2].map((g) => {
      const scaled = hard && g < 2;
      const kernel = both((w, d) => this.gateColumns(useDropout ? w.kernel.read() : eff[d].kernel, g)) as tf.Tensor3D;
      let xg: tf.Tensor = tf.add(tf.matMul(rows, kernel), tf.reshape(both((w) => this.gateColumns(w.bias.read(), g)), [2, 1, u]));
      if (droppedA !== null && fw.lora !== null && bw.lora !== null) {
        const b = tf.stack([this.gateColumns(fw.lora.kernelB.read(), g), this.gateColumns(bw.lora.kernelB.read(), g)]) as tf.Tensor3D;
        xg = tf.add(xg, tf.mul(this.loraScale, tf.matMul(droppedA, b)));
      }
      if (scaled) xg = tf.add(tf.mul(xg, 0.2), 0.5);
      const steps = unstackSteps(tf.transpose(tf.reshape(xg, [2, time, batch, u]), [1, 0, 2, 3])) as tf.Tensor3D[];
      const recurrent = both((_w, d) => this.gateColumns(eff[d].recurrentKernel, g)) as tf.Tensor3D;
      return { steps, recurrent: scaled ? (tf.mul(recurrent, 0.2) as tf.Tensor3D) : recurrent };
    });
    const [gz, gr, gh] = gates;
    const act = (v: tf.Tensor): tf.Tensor => (hard ? tf.clipByValue(v, 0, 1) : tf.sigmoid(v));
    let h: tf.Tensor3D = tf.zeros([2, batch, u]);
    const forwardOut = new Array<tf.Tensor2D>(time);
    const backwardOut = new Array<tf.Tensor2D>(time);
    for (let t = 0; t < time; t++) {
      const z = act(tf.add(gz.steps[t], tf.matMul(h, gz.recurrent)));
      const r = act(tf.add(gr.steps[t], tf.matMul(h, gr.recurrent)));
      const hh = tf.tanh(tf.add(gh.steps[t], tf.matMul(tf.mul(r, h) as tf.Tensor3D, gh.recurrent)));
      // Keras' z·h + (1 - z)·h~: a saturated z = 1 copies h exactly (pooling then sees exact ties).
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh)) as tf.Tensor3D;
      if (this.returnSequences) {
        const [hf, hb] = unstackSafe(h) as tf.Tensor2D[];
        forwardOut[t] = hf;
        backwardOut[time - 1 - t] = hb; // the backward direction's step t reads input time T-1-t
      }
    }
    if (!this.returnSequences) {
      const [hf, hb] = tf.unstack(h);
      return tf.concat([hf, hb], -1);
    }
    // [2, time, batch, u] → [batch, time, 2, u] → [batch, time, 2u] = concat(forward, backward).
    const out = tf.stack([stackSteps(forwardOut), stackSteps(backwardOut)]);
    return tf.reshape(tf.transpose(out, [2, 1, 0, 3]), [batch, time, 2 * u]);
  }

  /**
   * The same computation with the recurrence as one fused op (fastPaths/fusedBidirectionalGru.ts):
   * the input projections of both directions [batch, time, 6u] are one matMul (plus LoRA's
   * dropout branch), the recurrence one call with its own gradient.
   */
  private runFused(x: tf.Tensor3D, fw: DirectionWeights, bw: DirectionWeights, training: boolean): tf.Tensor {
    const [batch, time, inputDim] = x.shape;
    const u = this.units;
    const rows = tf.reshape(x, [batch * time, inputDim]) as tf.Tensor2D;
    const dirs = [fw, bw];
    const useDropout = training && this.loraDropout > 0 && fw.lora !== null && bw.lora !== null;
    const eff = dirs.map((w) => this.effectiveKernels(w));
    const kernel = tf.concat(dirs.map((w, d) => (useDropout ? (w.kernel.read() as tf.Tensor2D) : eff[d].kernel)), 1);
    let proj: tf.Tensor = tf.add(tf.matMul(rows, kernel), tf.concat(dirs.map((w) => w.bias.read()), 0));
    if (useDropout) {
      // x·W + s·(dropout(x)·A)·B per direction, each direction with its own dropout mask.
      const lora = dirs.map((w) => {
        if (w.lora === null) throw new Error('FtBidirectionalGru: LoRA weights missing');
        return tf.matMul(tf.matMul(tf.dropout(rows, this.loraDropout), w.lora.kernelA.read() as tf.Tensor2D), w.lora.kernelB.read() as tf.Tensor2D);
      });
      proj = tf.add(proj, tf.mul(this.loraScale, tf.concat(lora, 1)));
    }
    return fusedBidirectionalGru(tf.reshape(proj, [batch, time, 6 * u]) as tf.Tensor3D, eff[0].recurrentKernel, eff[1].recurrentKernel, {
      activation: this.recurrentActivation,
      returnSequences: this.returnSequences,
    });
  }

  /**
   * The config and weights of the same layer with LoRA folded into the base kernels
   * (loraRank 0): W + (alpha/r)·A·B, U + (alpha/r)·A_r·B_r, in the order
   * [forward kernel, recurrent_kernel, bias, backward kernel, recurrent_kernel, bias].
   * The caller owns (and disposes) the returned tensors.
   */
  mergedConfigAndWeights(): { config: tf.serialization.ConfigDict; weights: tf.Tensor[] } {
    if (this.forward === null || this.backward === null) throw new Error('FtBidirectionalGru: merge before build()');
    const config: tf.serialization.ConfigDict = { ...this.getConfig(), loraRank: 0, loraAlpha: 0, loraDropout: 0, loraSeed: 0, trainable: this.trainable };
    const weights: tf.Tensor[] = [];
    for (const w of [this.forward, this.backward]) {
      const [kernel, recurrentKernel] = tf.tidy(() => {
        const eff = this.effectiveKernels(w);
        return [tf.clone(eff.kernel), tf.clone(eff.recurrentKernel)];
      });
      weights.push(kernel, recurrentKernel, tf.clone(w.bias.read()));
    }
    return { config, weights };
  }

  /** The weights in Keras' Bidirectional(GRU) order: forward kernel, recurrent, bias, then backward. */
  kerasOrderWeights(): tf.LayerVariable[] {
    if (this.forward === null || this.backward === null) throw new Error('FtBidirectionalGru: weights before build()');
    return [this.forward, this.backward].flatMap((w) => [w.kernel, w.recurrentKernel, w.bias]);
  }

  /** Sets the base weights from Keras' Bidirectional(GRU) order (see kerasOrderWeights). */
  setKerasOrderWeights(values: readonly tf.Tensor[]): void {
    const vars = this.kerasOrderWeights();
    if (values.length !== vars.length) {
      throw new Error(`FtBidirectionalGru ${this.name}: expected ${vars.length} weights (kernel, recurrent_kernel, bias per direction), got ${values.length}`);
    }
    vars.forEach((v, i) => {
      const value = values[i];
      if (v.shape.length !== value.shape.length || v.shape.some((d, k) => d !== value.shape[k])) {
        throw new Error(`FtBidirectionalGru ${this.name}: weight ${v.originalName} has shape [${v.shape.join(', ')}], got [${value.shape.join(', ')}]`);
      }
      v.write(value);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      returnSequences: this.returnSequences,
      recurrentActivation: this.recurrentActivation,
      innerLayer: { name: this.innerName },
      loraRank: this.loraRank,
      loraAlpha: this.loraAlpha,
      loraDropout: this.loraDropout,
      loraSeed: this.loraSeed,
    };
  }
}
tf.serialization.registerClass(FtBidirectionalGru);

/** Standalone form of FtBidirectionalGru.mergedConfigAndWeights. */
export function mergeBidirectionalGruLora(layer: FtBidirectionalGru): { config: tf.serialization.ConfigDict; weights: tf.Tensor[] } {
  return layer.mergedConfigAndWeights();
}
