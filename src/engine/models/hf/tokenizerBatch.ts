// Turns a content tokenizer (text → ids without special tokens) into an HfTokenizer: adds the model's
// special tokens around each text, truncates the content so they still fit, pads to a fixed length.

import { UserError } from '../../userError';
import type { EncodedBatch, HfTokenizer } from './tokenizer';

export interface TokenizerIds {
  vocabSize: number;
  padId: number;
  clsId: number;
  sepId: number;
  unkId: number;
}

export interface SpecialLayout {
  /** Ids before the text, e.g. [CLS] or <s>. */
  prefix: readonly number[];
  /** Ids after the text, e.g. [SEP] or </s>. */
  suffix: readonly number[];
}

/** Packs token id lists into a padded [n, maxLength] batch with the special tokens added. */
export function packBatch(contents: readonly (readonly number[])[], layout: SpecialLayout, padId: number, maxLength: number): EncodedBatch {
  const specials = layout.prefix.length + layout.suffix.length;
  if (!Number.isInteger(maxLength) || maxLength < specials + 1) {
    throw new UserError(`The maximum sequence length ${maxLength} is too short: it must hold the ${specials} special tokens and at least one token of text.`, {
      hint: `Set the maximum length to ${specials + 1} or more (BERT-family models usually use 128 to 512).`,
    });
  }
  const n = contents.length;
  const ids = new Int32Array(n * maxLength).fill(padId);
  const attentionMask = new Int32Array(n * maxLength);
  const room = maxLength - specials;
  contents.forEach((content, row) => {
    const kept = content.length > room ? content.slice(0, room) : content;
    const sequence = [...layout.prefix, ...kept, ...layout.suffix];
    ids.set(sequence, row * maxLength);
    attentionMask.fill(1, row * maxLength, row * maxLength + sequence.length);
  });
  return { ids, attentionMask, n, maxLength };
}

/** An HfTokenizer from a content encoder, its special ids and where the special tokens go. */
export function makeHfTokenizer(kind: HfTokenizer['kind'], encode: (text: string) => number[], tokenizerIds: TokenizerIds, layout: SpecialLayout): HfTokenizer {
  return {
    kind,
    ...tokenizerIds,
    encodeBatch(texts: readonly string[], maxLength: number): EncodedBatch {
      return packBatch(texts.map((t) => encode(t)), layout, tokenizerIds.padId, maxLength);
    },
  };
}
