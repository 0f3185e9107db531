// LoraDense: a Dense layer whose kernel and bias are frozen, plus a trainable low-rank update.
//   y = activation(x·W + b + (alpha / rank) · dropout(x)·A·B)
// W [in, units] and b [units] are created non-trainable; A [in, rank] and B [rank, units] train.
// A starts random (PEFT's kaiming_uniform(a = √5): U(−1/√in, 1/√in), seeded) and B starts at zero,
// so a fresh LoraDense computes exactly what the Dense it replaces computed.
// Works on inputs of rank >= 2; the product is taken on the last axis, as tfjs Dense does.
//
// Dropout on the LoRA branch input runs only when `training` is true and `dropout` > 0. It is
// deterministic when the caller passes a numeric `seed` in the call kwargs
// (`model.apply(x, {training: true, seed: step})`): the mask then depends on that seed and on the
// layer name only. Without a kwargs seed, tf.dropout draws an unseeded mask (not reproducible).

import * as tf from '@tensorflow/tfjs';
import {
  type ActivationIdentifier,
  type Kwargs,
  type LayerArgs,
  dotLastAxis,
  lastDim,
  optionalNumber,
  singleShape,
  singleTensor,
} from './tfjsTypes';

export interface LoraDenseArgs extends LayerArgs {
  /** Output width, as Dense `units`. */
  units: number;
  /** Activation applied after the sum, as Dense `activation` (default 'linear'). */
  activation?: ActivationIdentifier;
  /** Whether the frozen base has a bias, as Dense `useBias` (default true). */
  useBias?: boolean;
  /** Rank r of the update A·B (integer >= 1). */
  rank: number;
  /** Scale numerator: the update is multiplied by alpha / rank (> 0). */
  alpha: number;
  /** Dropout rate on the LoRA branch input during training, in [0, 1) (default 0). */
  dropout?: number;
  /** Seed of A's initializer; null = unseeded. */
  seed?: number | null;
}

/** Weight names, in the order the layer creates them (kernel, [bias], lora_A, lora_B). */
export const LORA_DENSE_WEIGHTS = { kernel: 'kernel', bias: 'bias', a: 'lora_A', b: 'lora_B' } as const;

export class LoraDense extends tf.layers.Layer {
  static className = 'LoraDense';

  readonly units: number;
  readonly activationName: ActivationIdentifier;
  readonly useBias: boolean;
  readonly rank: number;
  readonly alpha: number;
  readonly dropout: number;
  readonly seed: number | null;
  private readonly activationLayer: tf.layers.Layer;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  private loraA: tf.LayerVariable | null = null;
  private loraB: tf.LayerVariable | null = null;

  constructor(args: LoraDenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) {
      throw new Error(`LoraDense '${this.name}': units must be a positive integer, got ${String(args.units)}.`);
    }
    if (!Number.isInteger(args.rank) || args.rank < 1) {
      throw new Error(`LoraDense '${this.name}': rank must be a positive integer, got ${String(args.rank)}.`);
    }
    if (typeof args.alpha !== 'number' || !(args.alpha > 0)) {
      throw new Error(`LoraDense '${this.name}': alpha must be > 0, got ${String(args.alpha)}.`);
    }
    const dropout = optionalNumber(args.dropout, 0, `LoraDense '${this.name}': dropout`) ?? 0;
    if (dropout < 0 || dropout >= 1) {
      throw new Error(`LoraDense '${this.name}': dropout must be in [0, 1), got ${dropout}.`);
    }
    this.units = args.units;
    this.activationName = args.activation ?? 'linear';
    this.useBias = args.useBias ?? true;
    this.rank = args.rank;
    this.alpha = args.alpha;
    this.dropout = dropout;
    this.seed = optionalNumber(args.seed, null, `LoraDense '${this.name}': seed`);
    // tfjs's own activation (same code as Dense), held by an explicitly named inner layer so that
    // no global name counter moves. Throws on an unknown activation name.
    this.activationLayer = tf.layers.activation({ activation: this.activationName, name: `${this.name}_activation` });
  }

  /** alpha / rank. */
  get scale(): number {
    return this.alpha / this.rank;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const inDim = lastDim(singleShape(inputShape, this.name), this.name);
    this.kernel = this.addWeight(
      LORA_DENSE_WEIGHTS.kernel, [inDim, this.units], 'float32',
      tf.initializers.glorotUniform({}), undefined, false,
    );
    if (this.useBias) {
      this.bias = this.addWeight(LORA_DENSE_WEIGHTS.bias, [this.units], 'float32', tf.initializers.zeros(), undefined, false);
    }
    // kaiming_uniform(a=√5) on a [rank, in] torch weight: bound = √(6 / ((1 + 5) · in)) = 1/√in,
    // which is VarianceScaling(scale 1/3, fanIn, uniform): limit = √(3 · (1/3) / fanIn).
    const aInit = tf.initializers.varianceScaling({
      scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: this.seed ?? undefined,
    });
    this.loraA = this.addWeight(LORA_DENSE_WEIGHTS.a, [inDim, this.rank], 'float32', aInit, undefined, true);
    this.loraB = this.addWeight(LORA_DENSE_WEIGHTS.b, [this.rank, this.units], 'float32', tf.initializers.zeros(), undefined, true);
    this.inputSpec = [{ minNDim: 2, axes: { [-1]: inDim } }];
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape, this.name);
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, this.name);
      const { kernel, bias, loraA, loraB } = this.requireWeights();
      let base = dotLastAxis(x, kernel.read());
      if (bias !== null) base = tf.add(base, bias.read());
      const loraInput = this.maybeDropout(x, kwargs);
      const delta = tf.mul(dotLastAxis(dotLastAxis(loraInput, loraA.read()), loraB.read()), this.scale);
      const out = this.activationLayer.apply(tf.add(base, delta));
      if (!(out instanceof tf.Tensor)) throw new Error(`LoraDense '${this.name}': activation returned no tensor.`);
      return out;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activationName,
      useBias: this.useBias,
      rank: this.rank,
      alpha: this.alpha,
      dropout: this.dropout,
      seed: this.seed,
    };
  }

  /** W + (alpha/rank)·A·B, the kernel of the equivalent plain Dense (caller disposes). */
  mergedKernel(): tf.Tensor2D {
    const { kernel, loraA, loraB } = this.requireWeights();
    return tf.tidy(() =>
      tf.add(kernel.read(), tf.mul(tf.matMul(loraA.read() as tf.Tensor2D, loraB.read() as tf.Tensor2D), this.scale)) as tf.Tensor2D,
    );
  }

  /** The frozen bias, or null (a copy; caller disposes). */
  biasValue(): tf.Tensor1D | null {
    const { bias } = this.requireWeights();
    return bias === null ? null : (tf.clone(bias.read()) as tf.Tensor1D);
  }

  private maybeDropout(x: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    if (this.dropout === 0 || kwargs['training'] !== true) return x;
    const seed: unknown = kwargs['seed'];
    if (typeof seed === 'number' && Number.isFinite(seed)) {
      return tf.dropout(x, this.dropout, undefined, `lora-dropout:${this.name}:${seed}`);
    }
    return tf.dropout(x, this.dropout);
  }

  private requireWeights(): {
    kernel: tf.LayerVariable;
    bias: tf.LayerVariable | null;
    loraA: tf.LayerVariable;
    loraB: tf.LayerVariable;
  } {
    if (this.kernel === null || this.loraA === null || this.loraB === null) {
      throw new Error(`LoraDense '${this.name}' is not built yet.`);
    }
    return { kernel: this.kernel, bias: this.bias, loraA: this.loraA, loraB: this.loraB };
  }
}
tf.serialization.registerClass(LoraDense);
