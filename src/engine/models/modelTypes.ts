// What the training loop needs from a base model, whatever its kind.

import type * as tf from '@tensorflow/tfjs';
import type { Example } from '../data/example';

/** Serializable state of an input encoder (stored in the run folder as preprocessing.json). */
export type EncoderState =
  | { kind: 'text'; tokenizer: 'keras-word-index'; sequenceLength: number; vocabularySize: number; textColumn: string; lowercase: boolean }
  | {
      kind: 'tabular';
      columns: TabularColumnEncoding[];
    };

export type TabularColumnEncoding =
  | { column: string; type: 'numeric'; mean: number; std: number }
  | { column: string; type: 'boolean' }
  | { column: string; type: 'one-hot'; categories: string[] };

/** Turns examples into the model's input tensor. */
export interface InputEncoder {
  readonly state: EncoderState;
  /** Width of one encoded example ([n, width] float32 for tabular, [n, sequenceLength] int-valued float32 for text). */
  readonly width: number;
  encode(examples: readonly Example[]): tf.Tensor2D;
}

/** A base model cut below its head: input → features. */
export interface BaseModelBundle {
  /** input → feature vector ([batch, featureSize]). */
  base: tf.LayersModel;
  featureSize: number;
  encoder: InputEncoder;
  /** The --model option as given. */
  source: string;
  /** sha256 over the model's weight bytes (or of its config when built from scratch), hex. */
  fingerprint: string;
  /** Sensible defaults for this base. */
  defaults: {
    /** Layer names that LoRA targets when the user names none. */
    loraTargets: string[];
    /** Layer names after which adapters go when the user names none. */
    adapterAfter: string[];
  };
}
