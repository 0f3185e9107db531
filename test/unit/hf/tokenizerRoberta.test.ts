// RoBERTa-style byte-level BPE tokenizer.json: <s> … </s>, pad id 1, merges applied by rank, bytes of
// non-ASCII text, the lstrip <mask> token, truncation keeping </s>. Ids worked out by hand.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadHfTokenizer, type HfTokenizer } from '../../../src/engine/models/hf/tokenizer';
import { ROBERTA_VOCAB, robertaTokenizerJson, removeModelDirs, writeModelDir } from './tokenizerFixtures';

after(removeModelDirs);

const id = (token: string): number => {
  const i = ROBERTA_VOCAB.indexOf(token);
  assert.ok(i >= 0, token);
  return i;
};
const ids = (...tokens: string[]): number[] => tokens.map(id);

function row(tokenizer: HfTokenizer, text: string, maxLength: number): number[] {
  return Array.from(tokenizer.encodeBatch([text], maxLength).ids);
}

const ROBERTA_CONFIG = { bos_token: '<s>', eos_token: '</s>', sep_token: '</s>', cls_token: '<s>', unk_token: '<unk>', pad_token: '<pad>', mask_token: '<mask>', model_max_length: 512 };

test('RoBERTa byte-level BPE: hand-worked ids, <s> … </s>, pad id 1', async () => {
  for (const mergesAsPairs of [false, true]) {
    const tokenizer = await loadHfTokenizer(writeModelDir({ 'tokenizer.json': robertaTokenizerJson(mergesAsPairs), 'tokenizer_config.json': ROBERTA_CONFIG }));
    assert.equal(tokenizer.kind, 'tokenizer.json');
    assert.deepEqual([tokenizer.vocabSize, tokenizer.padId, tokenizer.unkId, tokenizer.clsId, tokenizer.sepId], [ROBERTA_VOCAB.length, 1, 3, 0, 2]);
    // "hello": h e l l o → he l l o → he ll o → hell o → hello. " world": Ġ w o r l d → Ġw o r l d → Ġw or l d → Ġwor l d → Ġwor ld → Ġworld.
    assert.deepEqual(row(tokenizer, 'hello world', 6), [...ids('<s>', 'hello', 'Ġworld', '</s>'), 1, 1]);
    // " there": Ġ t h e r e → only "h e" merges; "!" is its own pre-token.
    assert.deepEqual(row(tokenizer, 'hello there!', 9), ids('<s>', 'hello', 'Ġ', 't', 'he', 'r', 'e', '!', '</s>'));
    // é is the two bytes C3 A9, shown as Ã ©; then "l l" merges.
    assert.deepEqual(row(tokenizer, 'héllo', 7), ids('<s>', 'h', 'Ã', '©', 'll', 'o', '</s>'));
    // <mask> strips the space on its left.
    assert.deepEqual(row(tokenizer, 'hello <mask>', 4), ids('<s>', 'hello', '<mask>', '</s>'));
    // Truncation keeps </s> last.
    assert.deepEqual(row(tokenizer, 'hello there!', 4), ids('<s>', 'hello', 'Ġ', '</s>'));
    // " hello" is Ġ + hello (no "Ġ h" merge), cut after Ġ.
    const batch = tokenizer.encodeBatch(['hello', 'hello world hello'], 5);
    assert.deepEqual(Array.from(batch.ids), [0, 19, 2, 1, 1, /**/ 0, 19, 24, 8, 2]);
    assert.deepEqual(Array.from(batch.attentionMask), [1, 1, 1, 0, 0, /**/ 1, 1, 1, 1, 1]);
  }
});

test('RoBERTa special ids come from the post-processor and vocabulary even without tokenizer_config.json', async () => {
  const tokenizer = await loadHfTokenizer(writeModelDir({ 'tokenizer.json': robertaTokenizerJson() }));
  assert.deepEqual([tokenizer.padId, tokenizer.unkId, tokenizer.clsId, tokenizer.sepId], [1, 3, 0, 2]);
  assert.deepEqual(row(tokenizer, 'hello world', 4), ids('<s>', 'hello', 'Ġworld', '</s>'));
});

test('tokenizer.json padding settings name the pad id when present', async () => {
  const json = { ...robertaTokenizerJson(), padding: { strategy: 'BatchLongest', direction: 'Right', pad_to_multiple_of: null, pad_id: 3, pad_type_id: 0, pad_token: '<unk>' } };
  const tokenizer = await loadHfTokenizer(writeModelDir({ 'tokenizer.json': json }));
  assert.equal(tokenizer.padId, 3);
  assert.deepEqual(row(tokenizer, 'hello', 5), [0, 19, 2, 3, 3]);
});
