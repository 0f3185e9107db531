// The InputEncoder of Hugging Face text encoders: the model folder's tokenizer (tokenizer.json or
// vocab.txt, through loadHfTokenizer) turns each example's text into token ids with the model's
// special tokens, truncated and padded to the sequence length: [n, sequenceLength] float32.
// The encoder model derives the attention mask from the ids (id != pad id), so the tokenizer's
// pad id must be the config's, which is checked when the encoder is made.

import * as tf from '@tensorflow/tfjs';
import type { Example } from '../../data/example';
import { UserError } from '../../userError';
import type { EncoderState, InputEncoder } from '../modelTypes';
import { loadHfTokenizer, type HfTokenizer } from './tokenizer';

export type HfEncoderState = Extract<EncoderState, { tokenizer: 'hf' }>;

export class HfTextEncoder implements InputEncoder {
  readonly state: HfEncoderState;
  readonly width: number;

  constructor(
    private readonly tokenizer: HfTokenizer,
    state: HfEncoderState,
    /** Rows of the model's word embeddings: every id must be below it. */
    private readonly vocabSize: number,
  ) {
    if (!Number.isInteger(state.sequenceLength) || state.sequenceLength < 2) {
      throw new UserError(`The sequence length must be an integer of at least 2 (room for the special tokens), got ${state.sequenceLength}.`, {
        where: 'maxSequenceLength',
      });
    }
    this.state = { ...state };
    this.width = state.sequenceLength;
  }

  /** Token ids of raw texts, [texts.length, sequenceLength] float32. */
  encodeTexts(texts: readonly string[]): tf.Tensor2D {
    const batch = this.tokenizer.encodeBatch(texts, this.width);
    const data = new Float32Array(batch.ids.length);
    for (let i = 0; i < batch.ids.length; i++) {
      const id = batch.ids[i];
      if (id < 0 || id >= this.vocabSize) {
        const row = Math.floor(i / this.width);
        throw new UserError(
          `The tokenizer of ${this.state.modelDir} gave token id ${id} for text ${row + 1} of this batch, outside the model's vocabulary of ${this.vocabSize}.`,
          { where: this.state.modelDir, hint: 'The tokenizer files and config.json (vocab_size) must belong to the same model.' },
        );
      }
      data[i] = id;
    }
    return tf.tensor2d(data, [texts.length, this.width], 'float32');
  }

  encode(examples: readonly Example[]): tf.Tensor2D {
    const column = this.state.textColumn;
    return this.encodeTexts(examples.map((e) => e.values[column] ?? ''));
  }
}

/** Loads the tokenizer of `state.modelDir` and checks that its padding matches the model's. */
export async function loadHfTextEncoder(state: HfEncoderState, model: { padTokenId: number; vocabSize: number }): Promise<HfTextEncoder> {
  const tokenizer = await loadHfTokenizer(state.modelDir);
  if (tokenizer.padId !== model.padTokenId) {
    throw new UserError(
      `The tokenizer of ${state.modelDir} pads with id ${tokenizer.padId}, but config.json says pad_token_id ${model.padTokenId}.`,
      { where: state.modelDir, hint: 'The model masks padding by its id: set pad_token_id in config.json to the tokenizer\'s padding id.' },
    );
  }
  return new HfTextEncoder(tokenizer, state, model.vocabSize);
}
