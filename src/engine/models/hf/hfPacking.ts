// Packed tokens for the Hugging Face encoders (the fast path 'hf-packed-tokens'): a padded batch
// [batch, seq] of token ids is computed on its real tokens only, one row per token, [1, total,
// hidden], instead of [batch, seq, hidden]. Texts shorter than the sequence length (most reviews
// at 128 tokens) leave much of a padded batch as padding, and in these encoders padding computes
// nothing that reaches the output: padded keys are masked out of every attention (probability
// exactly 0 after the -1e9 bias), and only each example's first token is read at the end. So the
// outputs and every gradient are the same, up to float summation order.
//
// An example's real tokens are positions 0 … length-1, length = 1 + the last position whose id is
// not the padding id (a padding id inside the text stays a token, masked as a key as before).
// The layout travels to the layers in the call kwargs (kwargs.packedTokens); each layer that
// cares reads it: HfEmbeddings looks up only the real tokens, HfSelfAttention lays q, k and v out
// as [batch, longest, hidden] for the attention and packs the result back, HfFirstToken takes the
// first row of each example, and dropout draws its mask over the padded shape (as the stock path
// does, same seed) and keeps the entries of the real tokens, so masks are the same too. Every
// other layer of these models works row by row and needs nothing.
//
// forward() (src/engine/training/forward.ts) plans a layout for each batch when the fast path
// applies (packedTokensApply), the base is an encoder made only of the layers above (plus Dense,
// LoraDense without dropout, BottleneckAdapter, Add, HfLayerNorm), and packing saves at least a
// tenth of the token rows. The layout's index tensors are made where forward() is called, so in
// the caller's tidy scope (training steps and predictRows run inside one).

import * as tf from '@tensorflow/tfjs';
import type { Kwargs } from '../../techniques/tfjsTypes';

/** The kwargs key the layout travels under. */
export const PACKED_TOKENS_KWARG = 'packedTokens';

/** Batches planned packed and left padded (a supported model with too little padding), for tests and benchmarks. */
export const packingCounts = { packed: 0, padded: 0 };

/** Packing is used when it drops at least this fraction of the token rows. */
export const MIN_PACKING_SAVING = 0.1;

export interface PackedLayout {
  readonly kind: 'packedTokens';
  /** The padded input's batch size and sequence length. */
  readonly batch: number;
  readonly seq: number;
  /** Real tokens of each example (≥ 1). */
  readonly lengths: readonly number[];
  /** Σ lengths: the rows of the packed tensors. */
  readonly total: number;
  /** The longest example: attention runs on [batch, maxLength]. */
  readonly maxLength: number;
  /** [total] int32: b·seq + t of each packed token (row-major: example by example). */
  readonly tokenIndex: tf.Tensor1D;
  /** [total] int32: the position t of each packed token. */
  readonly positions: tf.Tensor1D;
  /** [batch·maxLength] int32: the packed row of (b, t), or `total` (a row of zeros) beyond the example's length. */
  readonly unpackIndex: tf.Tensor1D;
  /** [total] int32: b·maxLength + t of each packed token. */
  readonly packIndex: tf.Tensor1D;
  /** [batch] int32: the packed row of each example's first token. */
  readonly firstIndex: tf.Tensor1D;
}

/** The layout in the call's kwargs, or null when the call is not packed. */
export function packedLayoutOf(kwargs: Kwargs | undefined): PackedLayout | null {
  const value: unknown = kwargs?.[PACKED_TOKENS_KWARG];
  if (typeof value !== 'object' || value === null || (value as { kind?: unknown }).kind !== 'packedTokens') return null;
  return value as PackedLayout;
}

/** Real tokens of each row of ids [batch, seq] (row-major values): 1 + the last non-padding position, at least 1. */
export function realLengths(ids: ArrayLike<number>, batch: number, seq: number, padTokenId: number): number[] {
  const lengths: number[] = [];
  for (let b = 0; b < batch; b++) {
    let len = seq;
    while (len > 1 && ids[b * seq + len - 1] === padTokenId) len--;
    lengths.push(len);
  }
  return lengths;
}

/** The layout for these lengths (index tensors made in the current scope). */
export function makePackedLayout(lengths: readonly number[], seq: number): PackedLayout {
  const batch = lengths.length;
  const total = lengths.reduce((a, b) => a + b, 0);
  const maxLength = Math.max(...lengths);
  const tokenIndex = new Int32Array(total);
  const positions = new Int32Array(total);
  const packIndex = new Int32Array(total);
  const unpackIndex = new Int32Array(batch * maxLength).fill(total);
  const firstIndex = new Int32Array(batch);
  let row = 0;
  for (let b = 0; b < batch; b++) {
    firstIndex[b] = row;
    for (let t = 0; t < lengths[b]; t++, row++) {
      tokenIndex[row] = b * seq + t;
      positions[row] = t;
      packIndex[row] = b * maxLength + t;
      unpackIndex[b * maxLength + t] = row;
    }
  }
  return {
    kind: 'packedTokens',
    batch,
    seq,
    lengths: [...lengths],
    total,
    maxLength,
    tokenIndex: tf.tensor1d(tokenIndex, 'int32'),
    positions: tf.tensor1d(positions, 'int32'),
    unpackIndex: tf.tensor1d(unpackIndex, 'int32'),
    packIndex: tf.tensor1d(packIndex, 'int32'),
    firstIndex: tf.tensor1d(firstIndex, 'int32'),
  };
}

/** Layer classes packed execution knows to be row-wise or packing-aware. */
const PACKABLE_CLASSES = new Set(['InputLayer', 'HfEmbeddings', 'HfLayerNorm', 'HfDropout', 'HfSelfAttention', 'HfFirstToken', 'Dense', 'LoraDense', 'BottleneckAdapter', 'Add']);

interface Packable {
  padTokenId: number;
}

const support = new WeakMap<tf.LayersModel, Packable | null>();

function numberField(layer: tf.layers.Layer, field: string): number | null {
  const value: unknown = (layer as unknown as Record<string, unknown>)[field];
  return typeof value === 'number' ? value : null;
}

/** Whether `model` is an encoder packed execution supports, and its padding id. */
export function packingSupport(model: tf.LayersModel): Packable | null {
  const known = support.get(model);
  if (known !== undefined) return known;
  let padTokenId: number | null = null;
  let firstTokens = 0;
  let ok = model.inputs.length === 1 && model.inputs[0].shape.length === 2;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (!PACKABLE_CLASSES.has(cls)) ok = false;
    if (cls === 'HfEmbeddings') padTokenId = padTokenId === null ? numberField(layer, 'padTokenId') : -1;
    if (cls === 'HfFirstToken') firstTokens++;
    if (cls === 'LoraDense' && numberField(layer, 'dropout') !== 0) ok = false;
  }
  const result = ok && padTokenId !== null && padTokenId >= 0 && firstTokens === 1 ? { padTokenId } : null;
  support.set(model, result);
  return result;
}

/**
 * The layout for token ids x [batch, seq] through `model`, or null when packing does not apply
 * (unsupported model, or too little padding to pay). Reads x back: call on CPU backends only.
 */
export function planPackedLayout(model: tf.LayersModel, x: tf.Tensor): PackedLayout | null {
  const packable = packingSupport(model);
  if (packable === null || x.rank !== 2) return null;
  const [batch, seq] = x.shape;
  if (batch === 0 || seq === 0) return null;
  const lengths = realLengths(x.dataSync(), batch, seq, packable.padTokenId);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total > (1 - MIN_PACKING_SAVING) * batch * seq) {
    packingCounts.padded++;
    return null;
  }
  packingCounts.packed++;
  return makePackedLayout(lengths, seq);
}

/** [1, total, hidden] → [batch, maxLength, hidden], zeros beyond each example's length. */
export function unpackRows(x: tf.Tensor, layout: PackedLayout): tf.Tensor3D {
  const hidden = x.shape[x.rank - 1];
  const rows = tf.concat([tf.reshape(x, [layout.total, hidden]), tf.zeros([1, hidden])], 0);
  return tf.reshape(tf.gather(rows, layout.unpackIndex), [layout.batch, layout.maxLength, hidden]) as tf.Tensor3D;
}

/** [batch, maxLength, hidden] → [1, total, hidden]: the rows of real tokens. */
export function packRows(x: tf.Tensor, layout: PackedLayout): tf.Tensor3D {
  const hidden = x.shape[x.rank - 1];
  return tf.reshape(tf.gather(tf.reshape(x, [layout.batch * layout.maxLength, hidden]), layout.packIndex), [1, layout.total, hidden]) as tf.Tensor3D;
}
