// Dropout for the Hugging Face encoders and heads, reproducible across resume: it runs only when
// the call's kwargs say training, and draws its mask from the kwargs seed (the trainer passes one
// per step) and the layer name, so the same step of the same run drops the same units.
// Without a kwargs seed the mask is unseeded. HfDropout is the layer; seededDropout the function
// other layers (attention probabilities) use. Under packed tokens (hfPacking.ts) the mask is drawn
// over the padded shape, exactly as tf.dropout draws it (dropoutMultiplier), and the entries of
// the real tokens are kept, so packed and padded runs drop the same units.

import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, singleShape, singleTensor } from '../../techniques/tfjsTypes';
import { packedLayoutOf } from './hfPacking';

/** The seed string of a layer's mask for this call, or undefined (unseeded) without a kwargs seed. */
function maskSeed(layerName: string, kwargs: Kwargs): string | undefined {
  const seed: unknown = kwargs['seed'];
  return typeof seed === 'number' && Number.isFinite(seed) ? `hf-dropout:${layerName}:${seed}` : undefined;
}

/** True when dropout runs in this call. */
export function dropoutActive(rate: number, kwargs: Kwargs): boolean {
  return rate > 0 && kwargs['training'] === true;
}

/** x with dropout applied when kwargs.training is true and rate > 0; x itself otherwise. */
export function seededDropout(x: tf.Tensor, rate: number, layerName: string, kwargs: Kwargs): tf.Tensor {
  if (!dropoutActive(rate, kwargs)) return x;
  const seed = maskSeed(layerName, kwargs);
  return seed === undefined ? tf.dropout(x, rate) : tf.dropout(x, rate, undefined, seed);
}

/**
 * The multiplier tf.dropout(x, rate, undefined, seed) applies to an x of `shape` (kept units
 * 1/(1-rate), dropped 0), the same numbers drawn in the same order; seeded as seededDropout.
 */
export function dropoutMultiplier(shape: number[], rate: number, layerName: string, kwargs: Kwargs): tf.Tensor {
  const keep = 1 - rate;
  return tf.div(tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', maskSeed(layerName, kwargs)), keep)), keep);
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
    return tf.tidy(() => {
      const x = singleTensor(inputs, this.name);
      const layout = packedLayoutOf(kwargs);
      if (layout === null || x.rank !== 3 || x.shape[0] !== 1 || x.shape[1] !== layout.total || !dropoutActive(this.rate, kwargs)) {
        return seededDropout(x, this.rate, this.name, kwargs);
      }
      // Packed tokens: the padded mask [batch, seq, hidden], rows of the real tokens kept.
      const hidden = x.shape[x.rank - 1];
      const full = dropoutMultiplier([layout.batch, layout.seq, hidden], this.rate, this.name, kwargs);
      const rows = tf.gather(tf.reshape(full, [layout.batch * layout.seq, hidden]), layout.tokenIndex);
      return tf.mul(x, tf.reshape(rows, x.shape));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(HfDropout);
