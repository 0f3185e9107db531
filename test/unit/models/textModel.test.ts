import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FtBidirectionalGru } from '../../../src/engine/models/bidirectionalGru';
import { fingerprintModelDir, loadLayersModelFromDir } from '../../../src/engine/models/fsModelIo';
import { KerasWordIndexEncoder } from '../../../src/engine/models/nnSentimentTokenizer';
import {
  convertBidirectionalGrus,
  loadNnSentimentBase,
  nnSentimentModelDir,
  rewriteTopologyForFtGru,
  unsupportedBidirectionalGruReason,
} from '../../../src/engine/models/textModel';
import { examples, maxAbsDiff } from './modelTestUtils';

const SENTENCES = [
  'I love this, it is great',
  'Absolutely wonderful experience, highly recommend!',
  'terrible, awful product. never again',
  'It broke after two days and support ignored me.',
  'it is ok i guess',
  'The delivery was on time.',
  '',
  Array.from({ length: 120 }, () => 'fine').join(' '),
];

test('text model: converted nn-sentiment (FtBidirectionalGru) gives the same softmax as the original tfjs model', async () => {
  await tf.setBackend('cpu');
  const original = await loadLayersModelFromDir(nnSentimentModelDir());
  const bundle = await loadNnSentimentBase({ textColumn: 'review' });
  assert.ok(bundle.encoder instanceof KerasWordIndexEncoder);
  const x = bundle.encoder.encode(examples(SENTENCES.map((review) => ({ review }))));
  const want = original.predict(x) as tf.Tensor2D;

  // 1. the whole converted model (same Dense head) against the original
  const { model: converted, converted: names, kept } = await convertBidirectionalGrus(original);
  assert.deepEqual(names, ['bidirectional_1']);
  assert.deepEqual(kept, []);
  assert.ok(converted.getLayer('bidirectional_1') instanceof FtBidirectionalGru);
  assert.equal(converted.getLayer('embedding_1').getClassName(), 'Embedding');
  const full = converted.predict(x) as tf.Tensor;
  assert.ok(maxAbsDiff(want, full) < 1e-5, `full model diff ${maxAbsDiff(want, full)}`);

  // 2. the bundle's base (cut below dense_1) followed by the original's dense_1
  const features = bundle.base.predict(x) as tf.Tensor;
  assert.deepEqual(features.shape, [SENTENCES.length, 80]);
  const viaBase = original.getLayer('dense_1').apply(features) as tf.Tensor;
  assert.ok(maxAbsDiff(want, viaBase) < 1e-5, `base + dense diff ${maxAbsDiff(want, viaBase)}`);

  // 3. the original scores sentiment sensibly (classes: detractor, neutral, promoter)
  const probs = want.arraySync();
  const argmax = (row: number[]): number => row.indexOf(Math.max(...row));
  assert.equal(argmax(probs[0]), 2, `"${SENTENCES[0]}" → promoter, got ${probs[0]}`);
  assert.equal(argmax(probs[1]), 2, `"${SENTENCES[1]}" → promoter, got ${probs[1]}`);
  assert.equal(argmax(probs[2]), 0, `"${SENTENCES[2]}" → detractor, got ${probs[2]}`);
  original.dispose();
  converted.dispose();
});

test('text model: nn-sentiment bundle fields (feature size, encoder state, defaults, fingerprint)', async () => {
  await tf.setBackend('cpu');
  const bundle = await loadNnSentimentBase();
  assert.equal(bundle.featureSize, 80);
  assert.equal(bundle.source, 'nn-sentiment');
  assert.deepEqual(bundle.encoder.state, {
    kind: 'text',
    tokenizer: 'keras-word-index',
    sequenceLength: 100,
    vocabularySize: 30000,
    textColumn: 'text',
    lowercase: true,
  });
  assert.deepEqual(bundle.defaults, { loraTargets: ['bidirectional_1'], adapterAfter: ['bidirectional_1'] });
  assert.equal(bundle.fingerprint, await fingerprintModelDir(nnSentimentModelDir()));
  assert.deepEqual(bundle.base.outputs[0].shape, [null, 80]);
  assert.ok(!bundle.base.layers.some((l) => l.name === 'dense_1'), 'cut below the Dense head');
  assert.equal(bundle.base.getLayer('bidirectional_1').outputShape.toString(), [null, 100, 40].toString());
});

test('text model: a shorter sequence length resizes the input', async () => {
  await tf.setBackend('cpu');
  const bundle = await loadNnSentimentBase({ sequenceLength: 24 });
  assert.equal(bundle.encoder.width, 24);
  assert.deepEqual(bundle.base.inputs[0].shape, [null, 24]);
  const y = bundle.base.predict(bundle.encoder.encode(examples([{ text: 'short and sweet' }]))) as tf.Tensor;
  assert.deepEqual(y.shape, [1, 80]);
});

test('text model: unsupported Bidirectional configs are kept as they are, with the reason', () => {
  const gru = (over: Record<string, unknown>): Record<string, unknown> => ({
    merge_mode: 'concat',
    layer: { class_name: 'GRU', config: { units: 3, activation: 'tanh', recurrent_activation: 'hard_sigmoid', reset_after: false, ...over } },
  });
  assert.equal(unsupportedBidirectionalGruReason(gru({})), null);
  assert.match(unsupportedBidirectionalGruReason(gru({ activation: 'relu' })) ?? '', /activation/);
  assert.match(unsupportedBidirectionalGruReason(gru({ go_backwards: true })) ?? '', /go_backwards/);
  assert.match(unsupportedBidirectionalGruReason(gru({ dropout: 0.2 })) ?? '', /dropout/);
  assert.match(unsupportedBidirectionalGruReason({ ...gru({}), merge_mode: 'sum' }) ?? '', /merge_mode/);
  assert.match(unsupportedBidirectionalGruReason({ merge_mode: 'concat', layer: { class_name: 'LSTM', config: {} } }) ?? '', /not a GRU/);
  const topology = {
    class_name: 'Model',
    config: {
      layers: [
        { name: 'e', class_name: 'Embedding', config: { mask_zero: true } },
        { name: 'b', class_name: 'Bidirectional', config: { name: 'b', ...gru({}) } },
      ],
    },
  };
  const rewrite = rewriteTopologyForFtGru(topology);
  assert.deepEqual(rewrite.converted, []);
  assert.deepEqual(rewrite.kept, [{ layer: 'b', reason: 'the model uses mask_zero' }]);
});
