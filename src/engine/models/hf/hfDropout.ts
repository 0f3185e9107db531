// Dropout for the Hugging Face encoders and heads, reproducible across resume: it runs only when
// the call's kwargs say training, and draws its mask from the kwargs seed (the trainer passes one
// per step) and the layer name, so the same step of the same run drops the same units.
// Without a kwargs seed the mask is unseeded. HfDropout is the layer; seededDropout the function
// other layers (attention probabilities) use.

import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, singleShape, singleTensor } from '../../techniques/tfjsTypes';

/** x with dropout applied when kwargs.training is true and rate > 0; x itself otherwise. */
export function seededDropout(x: tf.Tensor, rate: number, layerName: string, kwargs: Kwargs): tf.Tensor {
  if (rate === 0 || kwargs['training'] !== true) return x;
  const seed: unknown = kwargs['seed'];
  if (typeof seed === 'number' && Number.isFinite(seed)) return tf.dropout(x, rate, undefined, `hf-dropout:${layerName}:${seed}`);
  return tf.dropout(x, rate);
}

export interface HfDropoutArgs extends LayerArgs {
  /** Fraction of units dropped during training, in [0, 1). */
  rate: number;
}

export class HfDropout extends tf.layers.Layer {
  static className = 'HfDropout';

  readonly rate: number;

  constructor(args: HfDropoutArgs) {
    super(args);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`HfDropout '${this.name}': rate must be in [0, 1), got ${String(args.rate)}.`);
    }
    this.rate = args.rate;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => seededDropout(singleTensor(inputs, this.name), this.rate, this.name, kwargs));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(HfDropout);
