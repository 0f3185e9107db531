// HfSelfAttention: the weight-free core of multi-head self-attention in BERT-family encoders.
// Inputs [q, k, v, ids]: the outputs of the query, key and value projections ([batch, seq,
// hidden], real Dense layers elsewhere in the model so LoRA can target them) and the token ids
// [batch, seq] the padding mask is derived from (ids != padTokenId).
//   per head h: softmax(q_h · k_hᵀ / √d + bias) · v_h, bias = -1e9 on padded keys, 0 elsewhere,
// heads concatenated back to [batch, seq, hidden]. Attention-probability dropout runs only when
// training, seeded from the call's kwargs seed and the layer name (as LoraDense).
// Under packed tokens (hfPacking.ts) q, k and v arrive as [1, total, hidden]: they are laid out
// as [batch, longest, hidden] (zeros beyond each example's length, masked as keys like padding),
// attended as above on that shorter sequence, and packed back; the dropout mask is the padded
// one's top-left corner.
// Fast path 'fused-attention' (src/engine/backends/fastPaths/fusedSelfAttention.ts): on wasm and cpu
// the attention runs as one op with a hand-written gradient; the dropout multiplier is drawn with
// the same seeded ops tf.dropout uses and handed to it, so both paths drop the same units.

import * as tf from '@tensorflow/tfjs';
import type { Kwargs, LayerArgs } from '../../techniques/tfjsTypes';
import { dropoutActive, dropoutMultiplier, seededDropout } from './hfDropout';
import { packedLayoutOf, packRows, unpackRows, type PackedLayout } from './hfPacking';
import { fusedAttentionApplies, fusedSelfAttention } from '../../backends/fastPaths/fusedSelfAttention';

/** Attention-probability dropout, as the stock path applies it and as the multiplier the fused op takes. */
interface AttentionDropout {
  /** probs with dropout applied (or probs itself when inactive). */
  apply(probs: tf.Tensor): tf.Tensor;
  /** The multiplier apply() uses, [batch, heads, seq, seq], or null when inactive. */
  multiplier(shape: [number, number, number, number]): tf.Tensor4D | null;
}

export interface HfSelfAttentionArgs extends LayerArgs {
  /** Number of heads; must divide the hidden width. */
  numHeads: number;
  /** Id of the padding token: keys holding it are masked out. */
  padTokenId: number;
  /** Dropout rate on the attention probabilities during training, in [0, 1). */
  attentionDropout?: number;
}

/** Added to the scores of padded keys (exp of it underflows to 0 in float32). */
export const MASKED_SCORE = -1e9;

export class HfSelfAttention extends tf.layers.Layer {
  static className = 'HfSelfAttention';

  readonly numHeads: number;
  readonly padTokenId: number;
  readonly attentionDropout: number;

  constructor(args: HfSelfAttentionArgs) {
    super(args);
    if (!Number.isInteger(args.numHeads) || args.numHeads < 1) {
      throw new Error(`HfSelfAttention '${this.name}': numHeads must be a positive integer, got ${String(args.numHeads)}.`);
    }
    if (!Number.isInteger(args.padTokenId) || args.padTokenId < 0) {
      throw new Error(`HfSelfAttention '${this.name}': padTokenId must be a non-negative integer, got ${String(args.padTokenId)}.`);
    }
    const rate = args.attentionDropout ?? 0;
    if (!(rate >= 0 && rate < 1)) throw new Error(`HfSelfAttention '${this.name}': attentionDropout must be in [0, 1), got ${rate}.`);
    this.numHeads = args.numHeads;
    this.padTokenId = args.padTokenId;
    this.attentionDropout = rate;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shapes = this.fourShapes(inputShape);
    const hidden = shapes[0][2];
    if (hidden == null || hidden % this.numHeads !== 0) {
      throw new Error(`HfSelfAttention '${this.name}': width ${String(hidden)} is not a multiple of ${this.numHeads} heads.`);
    }
    for (const s of shapes.slice(1, 3)) {
      if (s.length !== 3 || s[2] !== hidden) throw new Error(`HfSelfAttention '${this.name}': q, k and v must all be [batch, seq, ${hidden}].`);
    }
    if (shapes[3].length !== 2) throw new Error(`HfSelfAttention '${this.name}': the fourth input must be token ids [batch, seq].`);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return this.fourShapes(inputShape)[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 4) throw new Error(`HfSelfAttention '${this.name}' expects [q, k, v, ids].`);
      const [q, k, v, ids] = inputs;
      const layout = packedLayoutOf(kwargs);
      if (layout !== null) return this.packed(q, k, v, ids, layout, kwargs);
      return this.attend(q, k, v, ids, {
        apply: (probs) => seededDropout(probs, this.attentionDropout, this.name, kwargs),
        multiplier: (shape) =>
          dropoutActive(this.attentionDropout, kwargs) ? (dropoutMultiplier(shape, this.attentionDropout, this.name, kwargs) as tf.Tensor4D) : null,
      });
    });
  }

  /** The attention over q, k, v [batch, seq, hidden] with padding taken from ids [batch, seq]. */
  private attend(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, ids: tf.Tensor, dropout: AttentionDropout): tf.Tensor {
    const [batch, seq, hidden] = q.shape;
    const d = hidden / this.numHeads;
    if (q.dtype === 'float32' && k.dtype === 'float32' && v.dtype === 'float32' && fusedAttentionApplies({ batch, seq, heads: this.numHeads, headDim: d })) {
      const keyBias = tf.mul(tf.cast(tf.equal(ids, tf.scalar(this.padTokenId, ids.dtype)), 'float32'), MASKED_SCORE) as tf.Tensor2D;
      const multiplier = dropout.multiplier([batch, this.numHeads, seq, seq]);
      return fusedSelfAttention(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, keyBias, multiplier, this.numHeads);
    }
    const heads = (x: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(x, [batch, seq, this.numHeads, d]), [0, 2, 1, 3]);
    const scores = tf.mul(tf.matMul(heads(q) as tf.Tensor4D, heads(k) as tf.Tensor4D, false, true), 1 / Math.sqrt(d));
    const padded = tf.cast(tf.equal(ids, tf.scalar(this.padTokenId, ids.dtype)), 'float32');
    const bias = tf.reshape(tf.mul(padded, MASKED_SCORE), [batch, 1, 1, seq]);
    const probs = dropout.apply(tf.softmax(tf.add(scores, bias)));
    const context = tf.matMul(probs as tf.Tensor4D, heads(v) as tf.Tensor4D);
    return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, seq, hidden]);
  }

  /** Packed q, k, v [1, total, hidden] → the packed context. */
  private packed(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, ids: tf.Tensor, layout: PackedLayout, kwargs: Kwargs): tf.Tensor {
    const { batch, seq, maxLength } = layout;
    const shortIds = tf.slice(ids, [0, 0], [batch, maxLength]);
    const multiplier = (): tf.Tensor4D | null => {
      if (!dropoutActive(this.attentionDropout, kwargs)) return null;
      const full = dropoutMultiplier([batch, this.numHeads, seq, seq], this.attentionDropout, this.name, kwargs);
      return tf.slice(full as tf.Tensor4D, [0, 0, 0, 0], [batch, this.numHeads, maxLength, maxLength]);
    };
    const dropout: AttentionDropout = {
      apply: (probs) => {
        const m = multiplier();
        return m === null ? probs : tf.mul(probs, m);
      },
      multiplier,
    };
    const context = this.attend(unpackRows(q, layout), unpackRows(k, layout), unpackRows(v, layout), shortIds, dropout);
    return packRows(context, layout);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads, padTokenId: this.padTokenId, attentionDropout: this.attentionDropout };
  }

  private fourShapes(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 4) {
      throw new Error(`HfSelfAttention '${this.name}' expects four inputs [q, k, v, ids].`);
    }
    return inputShape as tf.Shape[];
  }
}
tf.serialization.registerClass(HfSelfAttention);
