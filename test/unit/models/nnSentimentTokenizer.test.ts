import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  KerasWordIndexEncoder,
  readWordIndex,
  tokenizeKerasText,
} from '../../../src/engine/models/nnSentimentTokenizer';
import { nnSentimentModelDir } from '../../../src/engine/models/textModel';
import { examples } from './modelTestUtils';

interface NnSentimentModule {
  tokenize: (text: string) => string[];
  vectorizeBatch: (wordIndexes: Record<string, number>, batch: string[][]) => tf.Tensor;
}

function loadNnSentiment(): NnSentimentModule {
  // nn-sentiment's own code (it requires @tensorflow/tfjs, which resolves to ours).
  const mod: unknown = require('nn-sentiment');
  if (typeof mod !== 'object' || mod === null || !('tokenize' in mod) || !('vectorizeBatch' in mod)) {
    throw new Error('nn-sentiment does not export tokenize/vectorizeBatch');
  }
  const { tokenize, vectorizeBatch } = mod;
  if (typeof tokenize !== 'function' || typeof vectorizeBatch !== 'function') throw new Error('not functions');
  return mod as NnSentimentModule;
}

const SENTENCES = [
  'I love this, it is great!',
  "Don't buy it. Worst purchase I've ever made; never again (seriously).",
  'meh',
  '',
  'ALL CAPS SHOUTING?? well-known co-operation... 12 34 5.6',
  'zzqxunknownword another unknownish token',
  'café naïve — unicode “quotes” and émojis 🙂',
  Array.from({ length: 130 }, (_, i) => (i % 2 === 0 ? 'good' : 'movie')).join(' '),
];

test('tokenizer: our token ids equal nn-sentiment vectorizeBatch for 8 sentences (long, empty, unicode, punctuation)', async () => {
  await tf.setBackend('cpu');
  const nn = loadNnSentiment();
  const wordIndex = readWordIndex(join(nnSentimentModelDir(), 'word_index.json'));
  const encoder = new KerasWordIndexEncoder(wordIndex, { textColumn: 'text', vocabularySize: 30000 });
  for (const s of SENTENCES) assert.deepEqual(tokenizeKerasText(s), nn.tokenize(s));
  const theirs = nn.vectorizeBatch({ ...wordIndex }, SENTENCES.map((s) => nn.tokenize(s)));
  const ours = encoder.encode(examples(SENTENCES.map((text) => ({ text }))));
  assert.deepEqual(ours.shape, [SENTENCES.length, 100]);
  assert.deepEqual(Array.from(ours.dataSync()), Array.from(theirs.dataSync()));
  // a sanity look at the ids themselves
  const first = encoder.encodeText('I love this');
  assert.deepEqual(first.slice(0, 3), [wordIndex['i'], wordIndex['love'], wordIndex['this']]);
  assert.ok(first.slice(3).every((v) => v === 0), 'post-padded with 0');
});

test('tokenizer: truncation keeps the first tokens, unknown and out-of-vocabulary ids → 0, state is complete', () => {
  const encoder = new KerasWordIndexEncoder({ a: 1, b: 2, big: 50 }, { textColumn: 'review', sequenceLength: 4, vocabularySize: 10 });
  assert.deepEqual(encoder.encodeText('a b a b a b'), [1, 2, 1, 2]);
  assert.deepEqual(encoder.encodeText('A, big'), [1, 0, 0, 0]); // ',' unknown; 'big' is 50 ≥ 10
  assert.deepEqual(encoder.encodeText('constructor __proto__ a'), [0, 0, 1, 0]); // own properties only
  assert.equal(encoder.width, 4);
  assert.deepEqual(encoder.state, {
    kind: 'text',
    tokenizer: 'keras-word-index',
    sequenceLength: 4,
    vocabularySize: 10,
    textColumn: 'review',
    lowercase: true,
  });
  const missingColumn = encoder.encode(examples([{ other: 'a' }]));
  assert.deepEqual(Array.from(missingColumn.dataSync()), [0, 0, 0, 0]);
  const caseSensitive = new KerasWordIndexEncoder({ a: 1, A: 3 }, { textColumn: 't', sequenceLength: 2, lowercase: false });
  assert.deepEqual(caseSensitive.encodeText('A a'), [3, 1]);
  assert.equal(caseSensitive.state.vocabularySize, 4, 'default vocabulary: max id + 1');
});
