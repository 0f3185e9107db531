import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { EncoderState } from '../../../src/engine/models/modelTypes';
import {
  encoderFromState,
  fitTabularEncoder,
  MAX_CATEGORIES,
  parseBooleanCell,
  tabularEncoderFromState,
} from '../../../src/engine/models/tabularEncoder';
import { nnSentimentModelDir } from '../../../src/engine/models/textModel';
import { examples } from './modelTestUtils';

const TRAIN = examples([
  { age: '20', smoker: 'yes', city: 'Paris' },
  { age: '30', smoker: 'no', city: 'Lyon' },
  { age: '40', smoker: 'TRUE', city: 'Paris' },
  { age: 'n/a', smoker: '', city: '' },
]);
const KINDS = { age: 'numeric', smoker: 'boolean', city: 'categorical' } as const;

test('tabular encoder: standardizes numerics with train mean/std, booleans 0/1, one-hot by frequency', async () => {
  await tf.setBackend('cpu');
  const enc = fitTabularEncoder(TRAIN, ['age', 'smoker', 'city'], KINDS);
  const std = Math.sqrt(200 / 3);
  assert.deepEqual(enc.state, {
    kind: 'tabular',
    columns: [
      { column: 'age', type: 'numeric', mean: 30, std },
      { column: 'smoker', type: 'boolean' },
      { column: 'city', type: 'one-hot', categories: ['Paris', 'Lyon'] },
    ],
  });
  assert.equal(enc.width, 4);
  const x = enc.encode(examples([
    { age: '40', smoker: 'y', city: 'Lyon' },
    { age: 'oops', smoker: 'maybe', city: 'Berlin' },
    { age: ' 30 ', smoker: '1', city: ' Paris ' },
    {},
  ]));
  assert.deepEqual(x.shape, [4, 4]);
  const rows = x.arraySync();
  assert.ok(Math.abs(rows[0][0] - 10 / std) < 1e-6);
  assert.deepEqual(rows[0].slice(1), [1, 0, 1]);
  assert.deepEqual(rows[1], [0, 0, 0, 0], 'non-numeric → mean (0); unknown boolean → 0; unseen category → zeros');
  assert.deepEqual(rows[2], [0, 1, 1, 0]);
  assert.deepEqual(rows[3], [0, 0, 0, 0]);
});

test('tabular encoder: std 0 → 1, no numeric values → mean 0 std 1, categories capped at 50', () => {
  const constant = fitTabularEncoder(examples([{ a: '5' }, { a: '5' }]), ['a'], { a: 'numeric' });
  assert.deepEqual(constant.state, { kind: 'tabular', columns: [{ column: 'a', type: 'numeric', mean: 5, std: 1 }] });
  const empty = fitTabularEncoder(examples([{ a: '' }, { a: 'x' }]), ['a'], { a: 'numeric' });
  assert.deepEqual(empty.state, { kind: 'tabular', columns: [{ column: 'a', type: 'numeric', mean: 0, std: 1 }] });
  // 60 categories; c0..c9 appear 3 times, the rest once: the 10 frequent ones come first.
  const rows = Array.from({ length: 60 }, (_, i) => ({ c: `c${i}` }));
  for (let k = 0; k < 2; k++) for (let i = 0; i < 10; i++) rows.push({ c: `c${i}` });
  const enc = fitTabularEncoder(examples(rows), ['c'], { c: 'categorical' });
  assert.equal(enc.width, MAX_CATEGORIES);
  const col = enc.state.kind === 'tabular' ? enc.state.columns[0] : undefined;
  assert.ok(col !== undefined && col.type === 'one-hot');
  assert.deepEqual(col.categories.slice(0, 10).sort(), Array.from({ length: 10 }, (_, i) => `c${i}`).sort());
  assert.throws(() => fitTabularEncoder(TRAIN, ['age', 'zip'], KINDS), /zip/);
  assert.deepEqual(['true', 'Yes', ' Y ', '1', 'false', 'no', '0', '', 'on'].map(parseBooleanCell), [1, 1, 1, 1, 0, 0, 0, 0, 0]);
});

test('tabular encoder: state → JSON → encoder gives the same encoding', async () => {
  await tf.setBackend('cpu');
  const enc = fitTabularEncoder(TRAIN, ['city', 'age', 'smoker'], KINDS);
  const state = JSON.parse(JSON.stringify(enc.state)) as EncoderState;
  const again = tabularEncoderFromState(state);
  const viaAny = encoderFromState(state);
  const x = enc.encode(TRAIN).arraySync();
  assert.deepEqual(again.encode(TRAIN).arraySync(), x);
  assert.deepEqual(viaAny.encode(TRAIN).arraySync(), x);
  assert.throws(() => tabularEncoderFromState({ kind: 'tabular', columns: [{ column: 'a', type: 'numeric', mean: 0, std: 0 }] }), /std/);
});

test('encoderFromState: a text state needs its word index (folder, file or object)', async () => {
  await tf.setBackend('cpu');
  const state: EncoderState = { kind: 'text', tokenizer: 'keras-word-index', sequenceLength: 6, vocabularySize: 30000, textColumn: 't', lowercase: true };
  assert.throws(() => encoderFromState(state), /word index/);
  const fromDir = encoderFromState(state, nnSentimentModelDir());
  const fromFile = encoderFromState(state, join(nnSentimentModelDir(), 'word_index.json'));
  const fromObject = encoderFromState(state, { love: 7 });
  const rows = examples([{ t: 'I love it' }]);
  assert.deepEqual(fromDir.state, state);
  assert.deepEqual(fromDir.encode(rows).arraySync(), fromFile.encode(rows).arraySync());
  assert.deepEqual(fromObject.encode(rows).arraySync(), [[0, 7, 0, 0, 0, 0]]);
});
