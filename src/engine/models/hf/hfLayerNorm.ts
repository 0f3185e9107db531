// HfLayerNorm: layer normalization over the last axis, as torch.nn.LayerNorm computes it:
//   y = (x - mean) / sqrt(var + epsilon) · gamma + beta,  var = mean((x - mean)²)  (biased)
// Written with broadcasting ops only. tfjs's own LayerNormalization tiles the mean and variance
// to the input's shape, and the gradient of that tile is one slice and add per tiled column
// (256 of each per LayerNorm at hidden size 256): on wasm that was 40% of a LoRA step of a
// BERT-mini. Weights: gamma (ones) and beta (zeros), [hidden].

import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, lastDim, singleShape, singleTensor } from '../../techniques/tfjsTypes';

export interface HfLayerNormArgs extends LayerArgs {
  /** Added to the variance (HF layer_norm_eps). */
  epsilon: number;
}

export class HfLayerNorm extends tf.layers.Layer {
  static className = 'HfLayerNorm';

  readonly epsilon: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: HfLayerNormArgs) {
    super(args);
    if (typeof args.epsilon !== 'number' || !(args.epsilon > 0)) {
      throw new Error(`HfLayerNorm '${this.name}': epsilon must be a positive number, got ${String(args.epsilon)}.`);
    }
    this.epsilon = args.epsilon;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = lastDim(singleShape(inputShape, this.name), this.name);
    this.gamma = this.addWeight('gamma', [d], 'float32', tf.initializers.ones(), undefined, true);
    this.beta = this.addWeight('beta', [d], 'float32', tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      if (this.gamma === null || this.beta === null) throw new Error(`HfLayerNorm '${this.name}' is not built yet.`);
      const x = singleTensor(inputs, this.name);
      const axis = x.rank - 1;
      const centred = tf.sub(x, tf.mean(x, axis, true));
      const variance = tf.mean(tf.square(centred), axis, true);
      const normed = tf.mul(centred, tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normed, this.gamma.read()), this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(HfLayerNorm);
