// The tokenizer of nn-sentiment (a Keras word_index), reproduced exactly, as an InputEncoder.
//
// nn-sentiment (src/index.js) does: lowercase, match /[\w']+|[,.?;\-()]/g, look every token up
// in word_index.json (`wordIndexes[tok] || 0`), keep the first 100 ids, pad with 0 AFTER them.
// Two documented differences, both where nn-sentiment itself would break:
// - the lookup is own-property only: nn-sentiment maps "constructor" to Object's constructor
//   function (not a number); here it maps to 0 (unknown).
// - ids >= vocabularySize (rows the Embedding does not have) map to 0. With nn-sentiment every
//   index in word_index.json is below 30000, the Embedding's input_dim, so nothing changes.

import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { Example } from '../data/example';
import type { EncoderState, InputEncoder } from './modelTypes';

/** Keras Tokenizer.word_index: token → 1-based id. */
export type WordIndex = Readonly<Record<string, number>>;

/** nn-sentiment's token pattern (words with apostrophes, and some punctuation). */
export const NN_SENTIMENT_TOKEN_PATTERN = /[\w']+|[,.?;\-()]/g;

/** nn-sentiment's sequence length. */
export const NN_SENTIMENT_SEQUENCE_LENGTH = 100;

/** Splits a text into tokens the way nn-sentiment does (lowercasing first unless told not to). */
export function tokenizeKerasText(text: string, lowercase = true): string[] {
  const source = lowercase ? text.toLowerCase() : text;
  return source.match(NN_SENTIMENT_TOKEN_PATTERN) ?? [];
}

/** Reads and checks a word_index.json (an object of token → positive integer id). */
export function readWordIndex(file: string): WordIndex {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Could not read the word index ${file}: ${reason}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Bad word index ${file}: expected a JSON object of token → id.`);
  }
  const out: Record<string, number> = {};
  for (const [token, id] of Object.entries(parsed)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new Error(`Bad word index ${file}: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}, expected a non-negative integer.`);
    }
    out[token] = id;
  }
  return out;
}

/** The highest id in a word index, plus one. */
export function wordIndexSize(wordIndex: WordIndex): number {
  let max = 0;
  for (const id of Object.values(wordIndex)) if (id > max) max = id;
  return max + 1;
}

/**
 * Encodes texts into token ids: [texts.length, sequenceLength] row-major, truncated to the
 * first sequenceLength tokens, post-padded with 0; unknown tokens and ids >= vocabularySize → 0.
 */
export class KerasWordIndexEncoder implements InputEncoder {
  readonly state: Extract<EncoderState, { tokenizer: 'keras-word-index' }>;
  readonly width: number;
  private readonly ids: Map<string, number>;

  constructor(
    wordIndex: WordIndex,
    options: {
      /** Column of the examples holding the text. */
      textColumn: string;
      /** Tokens kept per text (nn-sentiment: 100). */
      sequenceLength?: number;
      /** Rows of the model's Embedding; ids at or above it become 0. Default: max id + 1. */
      vocabularySize?: number;
      /** Lowercase before tokenizing (nn-sentiment: true). */
      lowercase?: boolean;
    },
  ) {
    const sequenceLength = options.sequenceLength ?? NN_SENTIMENT_SEQUENCE_LENGTH;
    if (!Number.isInteger(sequenceLength) || sequenceLength < 1) {
      throw new Error(`sequenceLength must be a positive integer, got ${sequenceLength}`);
    }
    const vocabularySize = options.vocabularySize ?? wordIndexSize(wordIndex);
    this.ids = new Map(Object.entries(wordIndex));
    this.width = sequenceLength;
    this.state = {
      kind: 'text',
      tokenizer: 'keras-word-index',
      sequenceLength,
      vocabularySize,
      textColumn: options.textColumn,
      lowercase: options.lowercase ?? true,
    };
  }

  /** Token ids of one text, exactly sequenceLength long. */
  encodeText(text: string): number[] {
    const { sequenceLength, vocabularySize, lowercase } = this.state;
    const out = new Array<number>(sequenceLength).fill(0);
    const tokens = tokenizeKerasText(text, lowercase);
    const n = Math.min(tokens.length, sequenceLength);
    for (let i = 0; i < n; i++) {
      const id = this.ids.get(tokens[i]) ?? 0;
      out[i] = id < vocabularySize ? id : 0;
    }
    return out;
  }

  /** Encodes raw texts ([n, sequenceLength] float32 holding integer ids). */
  encodeTexts(texts: readonly string[]): tf.Tensor2D {
    const { sequenceLength } = this.state;
    const data = new Float32Array(texts.length * sequenceLength);
    texts.forEach((text, row) => data.set(this.encodeText(text), row * sequenceLength));
    return tf.tensor2d(data, [texts.length, sequenceLength], 'float32');
  }

  encode(examples: readonly Example[]): tf.Tensor2D {
    const column = this.state.textColumn;
    return this.encodeTexts(examples.map((e) => e.values[column] ?? ''));
  }
}
