// HF tokenizers offline: vocab.txt WordPiece and BERT tokenizer.json with ids worked out by hand,
// the two paths agreeing on the same vocabulary, config overrides, batching and errors.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../../src/engine/userError';
import { loadHfTokenizer, type HfTokenizer } from '../../../src/engine/models/hf/tokenizer';
import { seededRandom } from './safetensorsTestUtil';
import { BERT_VOCAB, BERT_VOCAB_TXT, bertTokenizerJson, removeModelDirs, writeModelDir } from './tokenizerFixtures';

after(removeModelDirs);

/** The ids of one text, padding removed. */
function idsOf(tokenizer: HfTokenizer, text: string, maxLength = 64): number[] {
  const batch = tokenizer.encodeBatch([text], maxLength);
  const real = Array.from(batch.attentionMask).filter((m) => m === 1).length;
  return Array.from(batch.ids.subarray(0, real));
}

const id = (token: string): number => {
  const i = BERT_VOCAB.indexOf(token);
  assert.ok(i >= 0, token);
  return i;
};
const ids = (...tokens: string[]): number[] => tokens.map(id);

/** Sentences with ids worked out by hand from BERT_VOCAB (uncased). */
const HAND_WORKED: Array<[string, number[]]> = [
  ['The cat sat on the mat.', ids('[CLS]', 'the', 'cat', 'sat', 'on', 'the', 'mat', '.', '[SEP]')],
  ['Playing, played!', ids('[CLS]', 'play', '##ing', ',', 'play', '##ed', '!', '[SEP]')],
  ['Unbelievable', ids('[CLS]', 'un', '##believ', '##able', '[SEP]')],
  // Accents stripped after lowercasing (NFD, nonspacing marks dropped).
  ['Café naïve RÉSUMÉ', ids('[CLS]', 'cafe', 'naive', 'resume', '[SEP]')],
  ["the cat's", ids('[CLS]', 'the', 'cat', "'", 's', '[SEP]')],
  // "dog" has no pieces; "catx" matches "cat" but then no "##x": the whole word is [UNK].
  ['cats dog catx', ids('[CLS]', 'cat', '##s', '[UNK]', '[UNK]', '[SEP]')],
  // CJK ideographs become words of their own even without spaces.
  ['你好world', ids('[CLS]', '你', '好', 'world', '[SEP]')],
  // Tabs are spaces, NUL and other control characters are dropped.
  ['hello\tworld\u0000\u200b', ids('[CLS]', 'hello', 'world', '[SEP]')],
  // Special tokens typed in the text stay whole.
  ['[MASK] sat', ids('[CLS]', '[MASK]', 'sat', '[SEP]')],
  ['', ids('[CLS]', '[SEP]')],
  ['   \n ', ids('[CLS]', '[SEP]')],
  ['"hello"-world?', ids('[CLS]', '"', 'hello', '"', '-', 'world', '?', '[SEP]')],
  // An ideograph outside the BMP is a word of its own too; an unassigned code point is dropped.
  ['the\u{20000}cat\u0378', ids('[CLS]', 'the', '[UNK]', 'cat', '[SEP]')],
];

test('vocab.txt WordPiece gives the hand-worked ids', async () => {
  const tokenizer = await loadHfTokenizer(writeModelDir({ 'vocab.txt': BERT_VOCAB_TXT }));
  assert.equal(tokenizer.kind, 'vocab.txt');
  assert.deepEqual([tokenizer.vocabSize, tokenizer.padId, tokenizer.unkId, tokenizer.clsId, tokenizer.sepId], [BERT_VOCAB.length, 0, 1, 2, 3]);
  for (const [text, expected] of HAND_WORKED) assert.deepEqual(idsOf(tokenizer, text), expected, JSON.stringify(text));
});

test('tokenizer.json WordPiece (through @huggingface/tokenizers) gives the same hand-worked ids', async () => {
  for (const postProcessor of ['template', 'bert', 'none'] as const) {
    const tokenizer = await loadHfTokenizer(writeModelDir({ 'tokenizer.json': bertTokenizerJson({ postProcessor }) }));
    assert.equal(tokenizer.kind, 'tokenizer.json');
    assert.deepEqual([tokenizer.vocabSize, tokenizer.padId, tokenizer.unkId, tokenizer.clsId, tokenizer.sepId], [BERT_VOCAB.length, 0, 1, 2, 3]);
    for (const [text, expected] of HAND_WORKED) assert.deepEqual(idsOf(tokenizer, text), expected, `${postProcessor}: ${JSON.stringify(text)}`);
  }
});

test('a word of 100 characters is split into pieces, one of 101 is [UNK]', async () => {
  for (const files of [{ 'vocab.txt': BERT_VOCAB_TXT }, { 'tokenizer.json': bertTokenizerJson() }]) {
    const tokenizer = await loadHfTokenizer(writeModelDir(files));
    assert.deepEqual(idsOf(tokenizer, 'a'.repeat(100), 200), [id('[CLS]'), id('a'), ...new Array<number>(99).fill(id('##a')), id('[SEP]')]);
    assert.deepEqual(idsOf(tokenizer, `the ${'a'.repeat(101)} cat`, 200), ids('[CLS]', 'the', '[UNK]', 'cat', '[SEP]'));
  }
});

/** Sentences for the agreement test: accents, punctuation, unknown words, odd whitespace, specials, long input. */
const AGREEMENT = [
  ...HAND_WORKED.map(([text]) => text),
  'THE CAT SAT!!! on… the “mat”?',
  'Ünbelievable résumé, café; naïveté',
  'cat\r\n\r\nsat\u00a0on\u3000the\u2003mat',
  'tab\tand\fform feed \u0007bell',
  '¿Qué? ¡Sí! — «the» cat ‘sat’',
  'prices: $5 € 10% #1 @user & co.',
  'played[SEP]playing [CLS] [PAD][UNK]',
  '你好，世界。the 猫 sat',
  'emoji 😀 cat 🐈 mat',
  'combining: cafe\u0301 and e\u0300 and A\u030a',
  'x'.repeat(150),
  Array.from({ length: 80 }, (_, i) => ['the', 'cat', 'sat', 'on', 'mat', 'playing', 'unbelievable', 'dog'][i % 8]).join(' '),
];

test('vocab.txt and tokenizer.json paths of the same vocabulary agree (uncased, cased, with truncation)', async () => {
  for (const config of [undefined, { do_lower_case: false }, { do_lower_case: false, strip_accents: true }, { do_lower_case: true, tokenize_chinese_chars: false }]) {
    const extra = config ? { 'tokenizer_config.json': config } : {};
    const fromVocab = await loadHfTokenizer(writeModelDir({ 'vocab.txt': BERT_VOCAB_TXT, ...extra }));
    const fromJson = await loadHfTokenizer(writeModelDir({ 'tokenizer.json': bertTokenizerJson(), ...extra }));
    for (const maxLength of [8, 16, 128]) {
      const a = fromVocab.encodeBatch(AGREEMENT, maxLength);
      const b = fromJson.encodeBatch(AGREEMENT, maxLength);
      for (let row = 0; row < AGREEMENT.length; row++) {
        const slice = (x: Int32Array): number[] => Array.from(x.subarray(row * maxLength, (row + 1) * maxLength));
        assert.deepEqual(slice(a.ids), slice(b.ids), `${JSON.stringify(config)} max ${maxLength}: ${JSON.stringify(AGREEMENT[row])}`);
        assert.deepEqual(slice(a.attentionMask), slice(b.attentionMask));
      }
    }
  }
});

test('tokenizer_config.json do_lower_case / strip_accents are honoured (hand-worked cased ids)', async () => {
  for (const files of [{ 'vocab.txt': BERT_VOCAB_TXT }, { 'tokenizer.json': bertTokenizerJson() }]) {
    const cased = await loadHfTokenizer(writeModelDir({ ...files, 'tokenizer_config.json': { do_lower_case: false } }));
    // Cased: "The" and "Cafe" are tokens, "the" too; "café" keeps its accent and is unknown; "é" alone is a token.
    assert.deepEqual(idsOf(cased, 'The Cafe café the é'), ids('[CLS]', 'The', 'Cafe', '[UNK]', 'the', 'é', '[SEP]'));
    const stripped = await loadHfTokenizer(writeModelDir({ ...files, 'tokenizer_config.json': { do_lower_case: false, strip_accents: true } }));
    assert.deepEqual(idsOf(stripped, 'The Café café'), ids('[CLS]', 'The', 'Cafe', 'cafe', '[SEP]'));
  }
  // A tokenizer.json saved cased stays cased without a config; vocab.txt without a config lowercases.
  const casedJson = await loadHfTokenizer(writeModelDir({ 'tokenizer.json': bertTokenizerJson({ lowercase: false }) }));
  assert.deepEqual(idsOf(casedJson, 'The the'), ids('[CLS]', 'The', 'the', '[SEP]'));
  const defaultVocab = await loadHfTokenizer(writeModelDir({ 'vocab.txt': BERT_VOCAB_TXT }));
  assert.deepEqual(idsOf(defaultVocab, 'The the'), ids('[CLS]', 'the', 'the', '[SEP]'));
});

test('special tokens named by special_tokens_map.json (strings or AddedToken objects) and tokenizer_config.json', async () => {
  const dir = writeModelDir({
    'vocab.txt': '<pad>\r\n<unk>\r\n<cls>\r\n<sep>\r\nhi\r\n<mask>\r\n',
    'special_tokens_map.json': { cls_token: '<cls>', sep_token: { content: '<sep>', lstrip: false, normalized: false, rstrip: false, single_word: false }, mask_token: '<mask>' },
    'tokenizer_config.json': { pad_token: '<pad>', unk_token: '<unk>', cls_token: '[CLS]' },
  });
  const tokenizer = await loadHfTokenizer(dir);
  assert.deepEqual([tokenizer.vocabSize, tokenizer.padId, tokenizer.unkId, tokenizer.clsId, tokenizer.sepId], [6, 0, 1, 2, 3]);
  assert.deepEqual(idsOf(tokenizer, 'HI there <mask>'), [2, 4, 1, 5, 3]);
});

test('batches: one row per text, padded with the pad id, mask 1 on real tokens, [SEP] kept when truncating', async () => {
  const tokenizer = await loadHfTokenizer(writeModelDir({ 'vocab.txt': BERT_VOCAB_TXT }));
  const batch = tokenizer.encodeBatch(['the cat', 'the cat sat on the mat.', ''], 6);
  assert.equal(batch.n, 3);
  assert.equal(batch.maxLength, 6);
  assert.deepEqual(Array.from(batch.ids), [2, 5, 6, 3, 0, 0, /**/ 2, 5, 6, 7, 8, 3, /**/ 2, 3, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(batch.attentionMask), [1, 1, 1, 1, 0, 0, /**/ 1, 1, 1, 1, 1, 1, /**/ 1, 1, 0, 0, 0, 0]);
  const exact = tokenizer.encodeBatch(['the cat sat on'], 6);
  assert.deepEqual(Array.from(exact.ids), [2, 5, 6, 7, 8, 3]);
  assert.deepEqual(Array.from(tokenizer.encodeBatch([], 4).ids), []);
  assert.deepEqual(Array.from(tokenizer.encodeBatch(['the cat'], 3).ids), [2, 5, 3]);
  assert.throws(() => tokenizer.encodeBatch(['the'], 2), (e: unknown) => e instanceof UserError && /too short/.test(e.message));
});

test('tokenizer.json added tokens beyond the model vocabulary count in vocabSize and are matched in text', async () => {
  const json = bertTokenizerJson();
  (json.added_tokens as unknown[]).push({ id: 40, content: '<new>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: false });
  const tokenizer = await loadHfTokenizer(writeModelDir({ 'tokenizer.json': json }));
  assert.equal(tokenizer.vocabSize, 41);
  assert.deepEqual(idsOf(tokenizer, 'the<new>cat'), [2, 5, 40, 6, 3]);
});

test('errors name the folder or file and say what to do', async () => {
  const isUserError = (pattern: RegExp) => (e: unknown): boolean => e instanceof UserError && pattern.test(e.message) && typeof e.hint === 'string';
  const empty = writeModelDir({ 'config.json': {} });
  await assert.rejects(loadHfTokenizer(empty), isUserError(new RegExp(`${empty.replace(/[\\.]/g, '\\$&')} has no tokenizer.json or vocab.txt`)));
  await assert.rejects(loadHfTokenizer(path.join(empty, 'missing')), isUserError(/does not exist/));
  const bpeOnly = writeModelDir({ 'vocab.json': {}, 'merges.txt': '' });
  await assert.rejects(loadHfTokenizer(bpeOnly), (e: unknown) => e instanceof UserError && /vocab\.json and merges\.txt/.test(e.hint ?? ''));
  await assert.rejects(loadHfTokenizer(writeModelDir({ 'tokenizer.json': '{"model": ' })), isUserError(/tokenizer\.json is not valid JSON/));
  await assert.rejects(loadHfTokenizer(writeModelDir({ 'tokenizer.json': { version: '1.0' } })), isUserError(/has no "model" object/));
  await assert.rejects(loadHfTokenizer(writeModelDir({ 'tokenizer.json': { ...bertTokenizerJson(), model: { type: 'Mystery' } } })), isUserError(/cannot load: Unknown TokenizerModel type: Mystery/));
  await assert.rejects(loadHfTokenizer(writeModelDir({ 'vocab.txt': 'hello\nworld\n' })), isUserError(/vocab\.txt does not contain the cls token \[CLS\]/));
  await assert.rejects(loadHfTokenizer(writeModelDir({ 'vocab.txt': BERT_VOCAB_TXT, 'tokenizer_config.json': '{bad' })), isUserError(/tokenizer_config\.json is not valid JSON/));
  const notDir = path.join(writeModelDir({}), 'file');
  fs.writeFileSync(notDir, 'x');
  await assert.rejects(loadHfTokenizer(notDir), isUserError(/is not a folder/));
});

/** Pieces for random strings: vocabulary words, every kind of whitespace and control, accents, CJK, specials. */
const PIECES = [
  'the', 'cat', 'play', 'ing', 'a', '##', ' ', '  ', '\t', '\n', '\r', '\u000b', '\f', '\u0085', '\u00a0', '\u1680', '\u2000', '\u2028',
  '\u202f', '\u3000', '\ufeff', '\u200b', '\u200d', '\u00ad', '\u0000', '\ufffd', '\ud800', '\udc00', 'é', 'e\u0301', 'É', 'ß', 'İ', 'Σ',
  'ﬁ', '你', '\u{20000}', '\u{2B820}', '\uF900', 'ア', '한', '😀', '¿', '…', '—', '“', '$', '€', '^', '`', '~', '|', '[CLS]', '[MASK]', '[mask]',
  'Ⅻ', '\u0660', '\u{E0001}', '\uE000', '\u0378',
];

test('vocab.txt and tokenizer.json paths agree on 1500 seeded random strings of awkward characters', async () => {
  for (const config of [{}, { do_lower_case: false }]) {
    const fromVocab = await loadHfTokenizer(writeModelDir({ 'vocab.txt': BERT_VOCAB_TXT, 'tokenizer_config.json': config }));
    const fromJson = await loadHfTokenizer(writeModelDir({ 'tokenizer.json': bertTokenizerJson(), 'tokenizer_config.json': config }));
    const rand = seededRandom(77);
    const texts = Array.from({ length: 1500 }, () => Array.from({ length: 1 + Math.floor(rand() * 8) }, () => PIECES[Math.floor(rand() * PIECES.length)]).join(''));
    const a = fromVocab.encodeBatch(texts, 24);
    const b = fromJson.encodeBatch(texts, 24);
    for (let row = 0; row < texts.length; row++) {
      const slice = (x: Int32Array): number[] => Array.from(x.subarray(row * 24, (row + 1) * 24));
      assert.deepEqual(slice(a.ids), slice(b.ids), `${JSON.stringify(config)}: ${JSON.stringify(texts[row])}`);
    }
  }
});
