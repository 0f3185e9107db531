// A Hugging Face `tokenizer.json` run through @huggingface/tokenizers (pure JS). That library does
// normalization, pre-tokenization and the model (WordPiece, BPE, ...); we find the special token ids,
// where the post-processor puts them, and do truncation and padding ourselves (tokenizerBatch.ts).

import { Normalizer, Tokenizer } from '@huggingface/tokenizers';
import { UserError } from '../../userError';
import type { HfTokenizer } from './tokenizer';
import { makeHfTokenizer, type SpecialLayout } from './tokenizerBatch';
import { tokenText, type TokenizerOptions } from './tokenizerConfig';
import { bertNormalize, type BasicTokenizerOptions } from './wordPieceBasic';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const COMPONENTS = ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'] as const;

/** A copy of the tokenizer.json object the library accepts, with transformers' config overrides applied. */
function prepareJson(json: Json, options: TokenizerOptions): Json {
  const prepared: Json = { ...json, added_tokens: Array.isArray(json.added_tokens) ? json.added_tokens : [] };
  for (const key of COMPONENTS) if (prepared[key] === undefined) prepared[key] = null;
  // Like BertTokenizerFast: tokenizer_config.json's do_lower_case / strip_accents / tokenize_chinese_chars
  // win over the values stored in the BertNormalizer.
  const normalizer = prepared.normalizer;
  if (isObject(normalizer) && normalizer.type === 'BertNormalizer') {
    const updated: Json = { ...normalizer };
    if (options.doLowerCase !== null) updated.lowercase = options.doLowerCase;
    if (options.stripAccents !== null) updated.strip_accents = options.stripAccents;
    if (options.tokenizeChineseChars !== null) updated.handle_chinese_chars = options.tokenizeChineseChars;
    prepared.normalizer = updated;
  }
  return prepared;
}

/**
 * BertNormalizer as the Rust `tokenizers` crate (and Python BERT) does it. The library's own works on
 * UTF-16 units, so it misses CJK ideographs outside the BMP and keeps unassigned code points.
 */
class ReferenceBertNormalizer extends Normalizer {
  constructor(private readonly options: BasicTokenizerOptions) {
    super({ type: 'BertNormalizer' });
  }

  normalize(text: string): string {
    return bertNormalize(text, this.options);
  }
}

function flag(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** Where the post-processor puts its special tokens around one sequence: found by encoding a probe both ways. */
function findLayout(tokenizer: Tokenizer): SpecialLayout | null {
  for (const probe of ['a', 'the', 'hello', '1', 'x y']) {
    const plain = tokenizer.encode(probe, { add_special_tokens: false }).ids;
    const full = tokenizer.encode(probe, { add_special_tokens: true }).ids;
    if (plain.length === 0) continue;
    for (let k = 0; k + plain.length <= full.length; k++) {
      if (plain.every((id, i) => full[k + i] === id)) return { prefix: full.slice(0, k), suffix: full.slice(k + plain.length) };
    }
  }
  return null;
}

/** The [cls, sep] token strings a post-processor names, if it is one we know. */
function postProcessorSpecials(postProcessor: unknown): { cls: string | null; sep: string | null } {
  if (!isObject(postProcessor)) return { cls: null, sep: null };
  if (postProcessor.type === 'BertProcessing' || postProcessor.type === 'RobertaProcessing') {
    const first = (value: unknown): string | null => (Array.isArray(value) && typeof value[0] === 'string' ? value[0] : null);
    return { cls: first(postProcessor.cls), sep: first(postProcessor.sep) };
  }
  if (postProcessor.type === 'TemplateProcessing' && Array.isArray(postProcessor.single)) {
    const names = postProcessor.single.flatMap((item: unknown) => {
      const special = isObject(item) && isObject(item.SpecialToken) ? item.SpecialToken.id : undefined;
      return typeof special === 'string' ? [special] : [];
    });
    return { cls: names[0] ?? null, sep: names.length > 1 ? names[names.length - 1] : null };
  }
  if (postProcessor.type === 'Sequence' && Array.isArray(postProcessor.processors)) {
    for (const inner of postProcessor.processors) {
      const found = postProcessorSpecials(inner);
      if (found.cls !== null || found.sep !== null) return found;
    }
  }
  return { cls: null, sep: null };
}

/** Builds an HfTokenizer from a parsed tokenizer.json; `file` is named in errors. */
export function createTokenizerJsonTokenizer(json: unknown, options: TokenizerOptions, file: string): HfTokenizer {
  if (!isObject(json) || !isObject(json.model)) {
    throw new UserError(`${file} is not a tokenizer.json file: it has no "model" object.`, { where: file, hint: 'Download the model files again.' });
  }
  const prepared = prepareJson(json, options);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(prepared, options.raw);
  } catch (error) {
    throw new UserError(`${file} uses a tokenizer Fine-Tune cannot load: ${error instanceof Error ? error.message : String(error)}.`, {
      where: file,
      hint: 'BERT-family tokenizers (WordPiece, byte-level BPE) are supported; try a model with a standard tokenizer.',
    });
  }
  if (isObject(prepared.normalizer) && prepared.normalizer.type === 'BertNormalizer') {
    const n = prepared.normalizer;
    tokenizer.normalizer = new ReferenceBertNormalizer({
      cleanText: flag(n.clean_text, true),
      handleChineseChars: flag(n.handle_chinese_chars, true),
      lowercase: flag(n.lowercase, true),
      stripAccents: typeof n.strip_accents === 'boolean' ? n.strip_accents : null,
    });
  }
  const vocab = tokenizer.get_vocab(true);
  const idOf = (token: string | null | undefined): number | null => (token ? vocab.get(token) ?? null : null);
  const firstId = (...tokens: Array<string | null | undefined>): number | null => {
    for (const t of tokens) {
      const id = idOf(t);
      if (id !== null) return id;
    }
    return null;
  };
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);

  const fromPost = postProcessorSpecials(prepared.post_processor);
  const special = options.special;
  const clsId = firstId(fromPost.cls, special.cls, special.bos, '[CLS]', '<s>');
  const sepId = firstId(fromPost.sep, special.sep, special.eos, '[SEP]', '</s>');
  const model = prepared.model as Json;
  const unkId = firstId(typeof model.unk_token === 'string' ? model.unk_token : null, special.unk, '[UNK]', '<unk>') ?? -1;
  const padding = isObject(prepared.padding) ? prepared.padding : null;
  const padFromJson = padding && typeof padding.pad_id === 'number' && Number.isInteger(padding.pad_id) ? padding.pad_id : null;
  const padId = padFromJson ?? firstId(special.pad, tokenText(padding?.pad_token), '[PAD]', '<pad>') ?? sepId;
  if (clsId === null || sepId === null || padId === null) {
    throw new UserError(`${file} has no ${clsId === null ? 'classification ([CLS] or <s>)' : 'separator ([SEP] or </s>)'} token, which BERT-family models need.`, {
      where: file,
      hint: 'Use a BERT-family model (BERT, DistilBERT, RoBERTa, MiniLM, ...) whose tokenizer defines its special tokens.',
    });
  }
  // The post-processor's own layout; a tokenizer.json without one still gets [CLS] text [SEP].
  const found = findLayout(tokenizer);
  const layout: SpecialLayout = found && found.prefix.length + found.suffix.length > 0 ? found : { prefix: [clsId], suffix: [sepId] };
  const encode = (text: string): number[] => {
    const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
    const out: number[] = [];
    for (const id of ids) {
      if (typeof id === 'number' && Number.isInteger(id)) out.push(id);
      else if (unkId >= 0) out.push(unkId);
    }
    return out;
  };
  return makeHfTokenizer('tokenizer.json', encode, { vocabSize, padId, clsId, sepId, unkId }, layout);
}
