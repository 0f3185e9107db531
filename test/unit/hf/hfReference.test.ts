// Our encoders and heads against Hugging Face transformers itself: the checkpoints and outputs in
// test/fixtures/hf-reference were written by transformers (scripts/hf-reference.py, eval mode) for
// tiny random BertForSequenceClassification (also stored in bfloat16), DistilBert… and Roberta….
// Loaded whole with our loader, they must give the same last hidden states and class
// probabilities (softmax of transformers' logits) within 1e-4, and logits (up to their mean)
// within 2e-5.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { composeModel } from '../../../src/engine/models/head';
import { loadHfSequenceClassifier } from '../../../src/engine/models/hf/hfSequenceClassifier';
import { softmax } from './naiveEncoder';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'hf-reference');

interface Reference {
  transformers: string;
  input_ids: number[][];
  attention_mask: number[][];
  logits: number[][];
  last_hidden_state: number[][][];
}

function reference(name: string): Reference {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'reference.json'), 'utf8')) as Reference;
}

function maxDiff(got: ArrayLike<number>, want: readonly number[]): number {
  assert.equal(got.length, want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m;
}

function centred(values: readonly number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.map((v) => v - mean);
}

function centredLogLikelihoods(probs: readonly number[]): number[] {
  return centred(probs.map(Math.log));
}

const LAST_LAYER_NORM: Record<string, string> = {
  bert: 'encoder.layer.1.output.LayerNorm',
  distilbert: 'transformer.layer.1.output_layer_norm',
  roberta: 'encoder.layer.1.output.LayerNorm',
};

for (const name of ['bert', 'bert-bf16', 'distilbert', 'roberta']) {
  test(`${name}: hidden states and class probabilities match transformers within 1e-4`, async () => {
    await tf.setBackend('cpu');
    const ref = reference(name);
    const classifier = await loadHfSequenceClassifier(path.join(FIXTURES, name));
    try {
      // Masks in the reference are exactly "not padding", which our models derive from the ids.
      const pad = classifier.config.padTokenId;
      ref.input_ids.forEach((row, r) => row.forEach((id, i) => assert.equal(ref.attention_mask[r][i], id === pad ? 0 : 1)));
      const x = tf.tensor2d(ref.input_ids, undefined, 'float32');
      const hiddenModel = tf.model({
        inputs: classifier.base.inputs,
        outputs: classifier.base.getLayer(LAST_LAYER_NORM[classifier.config.architecture]).output as tf.SymbolicTensor,
      });
      const hidden = await (hiddenModel.predict(x) as tf.Tensor).data();
      const hiddenDiff = maxDiff(hidden, ref.last_hidden_state.flat(2));
      assert.ok(hiddenDiff < 1e-4, `last hidden state: max diff ${hiddenDiff}`);
      const probs = (await (composeModel(classifier.base, classifier.head).predict(x) as tf.Tensor).array()) as number[][];
      const probDiff = maxDiff(probs.flat(), ref.logits.flatMap((l) => softmax(l)));
      assert.ok(probDiff < 1e-4, `probabilities: max diff ${probDiff}`);
      // The random heads' logits are small (HF initialises with std 0.02), so the probabilities are
      // near uniform: compare the logits too, up to their mean (log p - mean log p).
      const logitDiff = maxDiff(probs.flatMap(centredLogLikelihoods), ref.logits.flatMap(centred));
      assert.ok(logitDiff < 2e-5, `logits: max diff ${logitDiff}`);
      const spread = Math.max(...ref.logits.flatMap(centred).map(Math.abs));
      assert.ok(spread > 20 * logitDiff + 5e-4, `the logits' spread ${spread} is well above the tolerance`);
      assert.equal(classifier.classes.length, ref.logits[0].length);
    } finally {
      classifier.base.dispose();
      classifier.head.dispose();
    }
  });
}
