// HfEmbeddings: the embedding sum of BERT-family encoders, from token ids.
//   out = word_embeddings[ids] + position_embeddings[positions] + token_type_embeddings[0]
// Input: token ids [batch, seq] as float32 (what InputEncoder gives). Positions:
//   'absolute' (BERT, DistilBERT): 0 … seq-1.
//   'roberta': padding_idx + cumsum(mask) · mask with mask = ids != padding_idx, so real tokens
//     are numbered from padding_idx + 1 and padding takes padding_idx (HF
//     create_position_ids_from_input_ids).
// Token type ids are all 0 (one text per example); DistilBERT has no token type table
// (typeVocabSize 0). LayerNorm and dropout are separate layers after this one.
// The lookups are tf.gather, whose gradient (UnsortedSegmentSum) trains the tables in full
// fine-tuning. Under packed tokens (hfPacking.ts) only the real tokens are looked up, giving
// [1, total, hidden] rows with the same values as those positions of the padded output.

import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, singleShape, singleTensor } from '../../techniques/tfjsTypes';
import { packedLayoutOf, type PackedLayout } from './hfPacking';

export type PositionMode = 'absolute' | 'roberta';

export interface HfEmbeddingsArgs extends LayerArgs {
  /** Rows of the word table. */
  vocabSize: number;
  /** Embedding width. */
  hiddenSize: number;
  /** Rows of the position table. */
  maxPositions: number;
  /** Rows of the token type table; 0 = no token type embeddings. */
  typeVocabSize: number;
  /** Id of the padding token (RoBERTa positions and nothing else here). */
  padTokenId: number;
  /** How positions are numbered. */
  positionMode: PositionMode;
  /** Standard deviation of the normal initializer (HF initializer_range). */
  initializerRange?: number;
}

/** Weight names, in creation order. */
export const HF_EMBEDDING_WEIGHTS = {
  word: 'word_embeddings',
  position: 'position_embeddings',
  tokenType: 'token_type_embeddings',
} as const;

function positiveInt(value: unknown, what: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${what} must be an integer >= ${min}, got ${String(value)}.`);
  }
  return value;
}

/** Position ids [batch, seq] (int32) for the given ids (int32). */
export function positionIds(ids: tf.Tensor, mode: PositionMode, padTokenId: number): tf.Tensor {
  return tf.tidy(() => {
    const seq = ids.shape[1] ?? 0;
    if (mode === 'absolute') return tf.tile(tf.expandDims(tf.range(0, seq, 1, 'int32'), 0), [ids.shape[0] ?? 1, 1]);
    const mask = tf.cast(tf.notEqual(ids, tf.scalar(padTokenId, 'int32')), 'int32');
    return tf.add(tf.mul(tf.cumsum(mask, 1), mask), tf.scalar(padTokenId, 'int32'));
  });
}

export class HfEmbeddings extends tf.layers.Layer {
  static className = 'HfEmbeddings';

  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly maxPositions: number;
  readonly typeVocabSize: number;
  readonly padTokenId: number;
  readonly positionMode: PositionMode;
  readonly initializerRange: number;
  private tables = new Map<string, tf.LayerVariable>();

  constructor(args: HfEmbeddingsArgs) {
    super(args);
    const where = `HfEmbeddings '${this.name}'`;
    this.vocabSize = positiveInt(args.vocabSize, `${where}: vocabSize`);
    this.hiddenSize = positiveInt(args.hiddenSize, `${where}: hiddenSize`);
    this.maxPositions = positiveInt(args.maxPositions, `${where}: maxPositions`);
    this.typeVocabSize = positiveInt(args.typeVocabSize, `${where}: typeVocabSize`, 0);
    this.padTokenId = positiveInt(args.padTokenId, `${where}: padTokenId`, 0);
    if (args.positionMode !== 'absolute' && args.positionMode !== 'roberta') {
      throw new Error(`${where}: positionMode must be 'absolute' or 'roberta', got ${String(args.positionMode)}.`);
    }
    this.positionMode = args.positionMode;
    this.initializerRange = args.initializerRange ?? 0.02;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    if (shape.length !== 2) throw new Error(`HfEmbeddings '${this.name}' expects token ids [batch, seq], got rank ${shape.length}.`);
    const init = tf.initializers.randomNormal({ mean: 0, stddev: this.initializerRange });
    const add = (name: string, rows: number): void => {
      this.tables.set(name, this.addWeight(name, [rows, this.hiddenSize], 'float32', init, undefined, true));
    };
    add(HF_EMBEDDING_WEIGHTS.word, this.vocabSize);
    add(HF_EMBEDDING_WEIGHTS.position, this.maxPositions);
    if (this.typeVocabSize > 0) add(HF_EMBEDDING_WEIGHTS.tokenType, this.typeVocabSize);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape, this.name);
    return [shape[0], shape[1], this.hiddenSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(singleTensor(inputs, this.name), 'int32');
      const layout = packedLayoutOf(kwargs);
      if (layout !== null) return this.packed(ids, layout);
      let out = tf.gather(this.table(HF_EMBEDDING_WEIGHTS.word), ids);
      const tokenType = this.tables.get(HF_EMBEDDING_WEIGHTS.tokenType);
      if (tokenType !== undefined) out = tf.add(out, tf.slice(tokenType.read(), [0, 0], [1, this.hiddenSize]));
      const seq = ids.shape[1] ?? 0;
      this.checkPositions(seq);
      const table = this.table(HF_EMBEDDING_WEIGHTS.position);
      // Absolute positions are the first rows in order: a slice (cheaper than a gather, and so is its gradient).
      if (this.positionMode === 'absolute') return tf.add(out, tf.slice(table, [0, 0], [seq, this.hiddenSize]));
      return tf.add(out, tf.gather(table, positionIds(ids, this.positionMode, this.padTokenId)));
    });
  }

  /** The embeddings of the real tokens of `layout`, [1, total, hidden], in the order of the padded computation. */
  private packed(ids: tf.Tensor, layout: PackedLayout): tf.Tensor {
    this.checkPositions(layout.seq);
    const tokenIds = tf.gather(tf.reshape(ids, [-1]), layout.tokenIndex);
    let out = tf.gather(this.table(HF_EMBEDDING_WEIGHTS.word), tokenIds);
    const tokenType = this.tables.get(HF_EMBEDDING_WEIGHTS.tokenType);
    if (tokenType !== undefined) out = tf.add(out, tf.slice(tokenType.read(), [0, 0], [1, this.hiddenSize]));
    const positions =
      this.positionMode === 'absolute'
        ? layout.positions
        : tf.gather(tf.reshape(positionIds(ids, this.positionMode, this.padTokenId), [-1]), layout.tokenIndex);
    out = tf.add(out, tf.gather(this.table(HF_EMBEDDING_WEIGHTS.position), positions));
    return tf.reshape(out, [1, layout.total, this.hiddenSize]);
  }

  private checkPositions(seq: number): void {
    const last = this.positionMode === 'roberta' ? this.padTokenId + seq : seq - 1;
    if (last >= this.maxPositions) {
      throw new Error(`HfEmbeddings '${this.name}': ${seq} tokens need position ${last}, the table has ${this.maxPositions} rows.`);
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      vocabSize: this.vocabSize,
      hiddenSize: this.hiddenSize,
      maxPositions: this.maxPositions,
      typeVocabSize: this.typeVocabSize,
      padTokenId: this.padTokenId,
      positionMode: this.positionMode,
      initializerRange: this.initializerRange,
    };
  }

  private table(name: string): tf.Tensor {
    const w = this.tables.get(name);
    if (w === undefined) throw new Error(`HfEmbeddings '${this.name}' is not built yet.`);
    return w.read();
  }
}
tf.serialization.registerClass(HfEmbeddings);
