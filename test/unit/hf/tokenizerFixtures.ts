// Tiny but real tokenizer files for the tokenizer tests: a BERT WordPiece vocabulary (as vocab.txt
// and as a tokenizer.json with the same tokens) and a RoBERTa-style byte-level BPE tokenizer.json.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/fixtures';

/** Line i of vocab.txt is token id i. */
export const BERT_VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', // 0-4
  'the', 'cat', 'sat', 'on', 'mat', // 5-9
  '.', ',', '!', 'play', '##ing', // 10-14
  '##ed', 'un', '##believ', '##able', 'cafe', // 15-19
  'naive', "'", 's', 'a', '##s', // 20-24
  '你', '好', 'hello', 'world', '?', // 25-29
  'resume', '"', '-', '##a', 'The', // 30-34
  'Cafe', 'é', // 35-36
];

export const BERT_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** A BERT tokenizer.json over BERT_VOCAB, laid out as `tokenizers` saves bert-base-uncased. */
export function bertTokenizerJson(options: { lowercase?: boolean; postProcessor?: 'template' | 'bert' | 'none' } = {}): Record<string, unknown> {
  const vocab = Object.fromEntries(BERT_VOCAB.map((t, i) => [t, i]));
  const special = (id: string): Record<string, unknown> => ({ SpecialToken: { id, type_id: 0 } });
  const postProcessor =
    options.postProcessor === 'none'
      ? null
      : options.postProcessor === 'bert'
        ? { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] }
        : {
            type: 'TemplateProcessing',
            single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
            pair: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
            special_tokens: {
              '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
              '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
            },
          };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: BERT_SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: options.lowercase ?? true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: postProcessor,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

/** Byte-level BPE vocabulary (Ġ is the byte of a space, Ã and © the two bytes of é). */
export const ROBERTA_VOCAB = [
  '<s>', '<pad>', '</s>', '<unk>', // 0-3
  'h', 'e', 'l', 'o', 'Ġ', 'w', 'r', 'd', 't', '!', 'Ã', '©', // 4-15
  'he', 'll', 'hell', 'hello', 'Ġw', 'or', 'Ġwor', 'ld', 'Ġworld', // 16-24
  '<mask>', // 25
];

/** Merges in rank order. */
export const ROBERTA_MERGES = ['h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'o r', 'Ġw or', 'l d', 'Ġwor ld'];

/** A RoBERTa tokenizer.json (ByteLevel pre-tokenizer, BPE, RobertaProcessing). */
export function robertaTokenizerJson(mergesAsPairs = false): Record<string, unknown> {
  const added = (id: number, content: string, lstrip = false): Record<string, unknown> => ({ id, content, single_word: false, lstrip, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(0, '<s>'), added(1, '<pad>'), added(2, '</s>'), added(3, '<unk>'), added(25, '<mask>', true)],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(ROBERTA_VOCAB.map((t, i) => [t, i])),
      merges: mergesAsPairs ? ROBERTA_MERGES.map((m) => m.split(' ')) : ROBERTA_MERGES,
    },
  };
}

const created: string[] = [];

/** Writes a model folder with the given files (objects as JSON, strings as text). */
export function writeModelDir(files: Record<string, unknown>): string {
  const root = tempDir('finetune-tok-');
  created.push(root);
  const dir = path.join(root, 'model');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

/** Removes every folder writeModelDir made (call from `after`). */
export function removeModelDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export const BERT_VOCAB_TXT = `${BERT_VOCAB.join('\n')}\n`;
