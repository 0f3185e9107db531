// Our tokenizers against Hugging Face's: the BERT fixture's tokenizer.json (built by the Rust
// `tokenizers` library) and vocab.txt, both loaded by us, must give the ids and masks that
// `tokenizers` itself produced for the fixture's sentences (test/fixtures/hf-reference/bert).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadHfTokenizer } from '../../../src/engine/models/hf/tokenizer';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'hf-reference', 'bert');

interface Reference {
  sentences: string[];
  max_length: number;
  input_ids: number[][];
  attention_mask: number[][];
}

const reference = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'reference.json'), 'utf8')) as Reference;

function rows(flat: Int32Array, n: number, width: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from(flat.subarray(r * width, (r + 1) * width)));
}

for (const files of [['tokenizer.json', 'vocab.txt'], ['vocab.txt']]) {
  test(`BERT WordPiece through ${files[0]} gives the ids Hugging Face tokenizers gave`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finetune-tokref-'));
    try {
      for (const f of files) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
      const tokenizer = await loadHfTokenizer(dir);
      assert.equal(tokenizer.kind, files[0]);
      const n = reference.sentences.length;
      const batch = tokenizer.encodeBatch(reference.sentences, reference.max_length);
      assert.deepEqual(rows(batch.ids, n, reference.max_length), reference.input_ids.slice(0, n));
      assert.deepEqual(rows(batch.attentionMask, n, reference.max_length), reference.attention_mask.slice(0, n));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
