// Loads the tokenizer of a Hugging Face BERT-family model folder, offline: tokenizer.json when there
// is one (through @huggingface/tokenizers), else vocab.txt (our WordPiece). Both give the same
// HfTokenizer: special tokens added, truncation that keeps room for them, padding to a fixed length.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../userError';
import { makeHfTokenizer } from './tokenizerBatch';
import { readTokenizerOptions, type TokenizerOptions } from './tokenizerConfig';
import { createTokenizerJsonTokenizer } from './tokenizerJson';
import { parseVocabTxt, WordPieceTokenizer } from './wordPiece';

export interface EncodedBatch {
  /** [n, maxLength] row-major token ids, padded with padId */
  ids: Int32Array;
  /** 1 for real tokens, 0 for padding */
  attentionMask: Int32Array;
  n: number;
  maxLength: number;
}

export interface HfTokenizer {
  readonly kind: 'tokenizer.json' | 'vocab.txt';
  /** One more than the largest token id (added tokens included). */
  readonly vocabSize: number;
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;
  /** -1 when the vocabulary has no unknown token (byte-level BPE never needs one). */
  readonly unkId: number;
  /** Tokenizes with the model's special tokens ([CLS] x [SEP] for BERT, <s> x </s> for RoBERTa), truncates to maxLength, pads to maxLength. */
  encodeBatch(texts: readonly string[], maxLength: number): EncodedBatch;
}

/** Loads tokenizer.json (through @huggingface/tokenizers) if the folder has one, else vocab.txt (our WordPiece, lowercasing per tokenizer_config.json's do_lower_case, default true), else throws a UserError naming the folder. */
export async function loadHfTokenizer(modelDir: string): Promise<HfTokenizer> {
  if (!fs.existsSync(modelDir)) {
    throw new UserError(`The model folder ${modelDir} does not exist.`, { where: modelDir, hint: 'Check the model path, or download the model again.' });
  }
  const jsonFile = path.join(modelDir, 'tokenizer.json');
  const vocabFile = path.join(modelDir, 'vocab.txt');
  const jsonText = await readIfExists(jsonFile);
  if (jsonText !== null) {
    let json: unknown;
    try {
      json = JSON.parse(jsonText);
    } catch (error) {
      throw new UserError(`${jsonFile} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`, { where: jsonFile, hint: 'Download the model files again.' });
    }
    return createTokenizerJsonTokenizer(json, readTokenizerOptions(modelDir), jsonFile);
  }
  const vocabText = await readIfExists(vocabFile);
  if (vocabText !== null) return createVocabTxtTokenizer(vocabText, readTokenizerOptions(modelDir), vocabFile);
  const hasBpeFiles = fs.existsSync(path.join(modelDir, 'vocab.json')) && fs.existsSync(path.join(modelDir, 'merges.txt'));
  throw new UserError(`The model folder ${modelDir} has no tokenizer.json or vocab.txt, so its text cannot be tokenized.`, {
    where: modelDir,
    hint: hasBpeFiles
      ? 'It has vocab.json and merges.txt only: save the tokenizer once with transformers (tokenizer.save_pretrained) to get a tokenizer.json, or download a copy of the model that includes it.'
      : 'Download the complete model folder, including tokenizer.json (or vocab.txt for BERT models).',
  });
}

/** A WordPiece tokenizer from vocab.txt text and the folder's tokenizer options. */
export function createVocabTxtTokenizer(text: string, options: TokenizerOptions, file: string): HfTokenizer {
  const vocab = parseVocabTxt(text);
  const special = options.special;
  const need = (role: 'cls' | 'sep' | 'unk' | 'pad', fallback: string): { token: string; id: number } => {
    const token = special[role] ?? fallback;
    const id = vocab.ids.get(token);
    if (id === undefined) {
      throw new UserError(`${file} does not contain the ${role} token ${token}.`, { where: file, hint: 'Check that vocab.txt belongs to this model (a BERT WordPiece vocabulary lists [PAD], [UNK], [CLS], [SEP] and [MASK]).' });
    }
    return { token, id };
  };
  const cls = need('cls', '[CLS]');
  const sep = need('sep', '[SEP]');
  const unk = need('unk', '[UNK]');
  const pad = need('pad', '[PAD]');
  const specialTokens = [cls.token, sep.token, unk.token, pad.token, special.mask ?? '[MASK]'];
  const lowercase = options.doLowerCase ?? true;
  const wordPiece = new WordPieceTokenizer(vocab, {
    lowercase,
    stripAccents: options.stripAccents,
    handleChineseChars: options.tokenizeChineseChars ?? true,
    unkToken: unk.token,
    specialTokens,
  });
  return makeHfTokenizer('vocab.txt', (t) => wordPiece.encode(t), { vocabSize: vocab.size, padId: pad.id, clsId: cls.id, sepId: sep.id, unkId: unk.id }, { prefix: [cls.id], suffix: [sep.id] });
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') throw new UserError(`${path.dirname(file)} is not a folder.`, { where: path.dirname(file), hint: 'Choose the model folder (the one holding config.json).' });
    throw new UserError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}.`, { where: file, hint: 'Check that the file is readable.' });
  }
}
