// What the training loop needs from a base model, whatever its kind.

import type * as tf from '@tensorflow/tfjs';
import type { Example } from '../data/example';
import type { HeadOutputs } from './head';

/** Serializable state of an input encoder (stored in the run folder as preprocessing.json). */
export type EncoderState =
  | { kind: 'text'; tokenizer: 'keras-word-index'; sequenceLength: number; vocabularySize: number; textColumn: string; lowercase: boolean }
  /** A Hugging Face tokenizer (tokenizer.json or vocab.txt) read from the model folder `modelDir`. */
  | { kind: 'text'; tokenizer: 'hf'; modelDir: string; sequenceLength: number; textColumn: string }
  | {
      kind: 'tabular';
      columns: TabularColumnEncoding[];
    }
  /** Image files decoded to size×size RGB, scaled to [0, 1], flattened to size·size·3 values (see data/images/decodeImage.ts). */
  | { kind: 'image'; size: number; channels: 3; scale: 'divide-by-255'; resize: 'stretch' };

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
  /**
   * Encoders that read files (images) decode asynchronously and implement this; their `encode`
   * throws. Callers that may meet them use encodeExamples (encodeExamples.ts).
   */
  encodeAsync?(examples: readonly Example[]): Promise<tf.Tensor2D>;
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
    /** Short names users may give as targets (e.g. 'q' → every query projection), per technique. */
    aliases?: { lora: Record<string, string[]>; adapter: Record<string, string[]> };
  };
  /** A head in the model's own layout (Hugging Face encoders); absent = the generic head. */
  buildHead?: (outputs: HeadOutputs, seed: number) => tf.LayersModel;
  /** Lines for the run log about how the base was loaded (e.g. checkpoint tensors ignored). */
  notes?: string[];
}
