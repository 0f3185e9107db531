// The TF.js BERT / DistilBERT / RoBERTa encoders against an independent naive computation
// (plain loops, attention written out, padding left out of the softmax), on cpu and wasm.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readHfCheckpoint } from '../../../src/engine/models/hf/hfCheckpointFiles';
import { readHfConfig, type HfArchitecture } from '../../../src/engine/models/hf/hfConfig';
import { buildHfEncoder } from '../../../src/engine/models/hf/hfEncoder';
import { loadHfWeights } from '../../../src/engine/models/hf/hfWeights';
import { tempDir } from '../models/modelTestUtils';
import { naiveFeatures, naiveHidden } from './naiveEncoder';
import { makeTinyCheckpoint, padIdOf, writeTinyCheckpoint, type TinySpec } from './tinyHfCheckpoint';

const ARCHS: HfArchitecture[] = ['bert', 'distilbert', 'roberta'];

/** Rows of ids of different lengths, padded to `seq` with the pad id (first token the [CLS]-like id). */
function idRows(arch: HfArchitecture, seq: number, vocabSize: number): number[][] {
  const pad = padIdOf(arch);
  const lengths = [seq, 5, 9, 3];
  return lengths.map((len, r) =>
    Array.from({ length: seq }, (_, i) => {
      if (i >= len) return pad;
      const id = 5 + ((r * 7 + i * 13) % (vocabSize - 5));
      return i === 0 ? (arch === 'roberta' ? 0 : 2) : id;
    }),
  );
}

async function encoderFor(spec: TinySpec): Promise<{ model: tf.LayersModel; ckpt: ReturnType<typeof makeTinyCheckpoint>; cleanup: () => void }> {
  const ckpt = makeTinyCheckpoint(spec);
  const { dir, cleanup } = tempDir('hf-forward');
  writeTinyCheckpoint(path.join(dir, 'model'), ckpt);
  const config = await readHfConfig(path.join(dir, 'model'));
  const file = await readHfCheckpoint(path.join(dir, 'model'));
  const model = buildHfEncoder(config);
  loadHfWeights([{ model, prefixed: true }], file.tensors, config.architecture, file.source);
  return { model, ckpt, cleanup };
}

function maxDiff(got: ArrayLike<number>, want: readonly number[]): number {
  assert.equal(got.length, want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m;
}

for (const backend of ['cpu', 'wasm']) {
  for (const arch of ARCHS) {
    test(`${arch} encoder on ${backend}: features match the naive computation within 1e-4, padding masked`, async () => {
      assert.ok(await tf.setBackend(backend));
      await tf.ready();
      const seq = 12;
      const { model, ckpt, cleanup } = await encoderFor({ architecture: arch, hidden: 16, layers: 2, heads: 2, seed: 5 });
      try {
        const rows = idRows(arch, seq, ckpt.vocab.length);
        const x = tf.tensor2d(rows.flat(), [rows.length, seq], 'float32');
        const out = model.predict(x) as tf.Tensor;
        assert.deepEqual(out.shape, [rows.length, 16]);
        const got = await out.data();
        const want = rows.flatMap((ids) => naiveFeatures(ckpt.config, ckpt.tensors, ids));
        const diff = maxDiff(got, want);
        assert.ok(diff < 1e-4, `max |tfjs - naive| = ${diff}`);
        // The mask matters: attending to padding would give other features.
        const unmasked = rows.flatMap((ids) => naiveFeatures(ckpt.config, ckpt.tensors, ids, { ignoreMask: true }));
        assert.ok(maxDiff(got, unmasked) > 1e-3, 'padding changes the result when not masked');
        // A longer padding tail leaves real rows unchanged (positions and mask are right).
        const longer = rows.map((ids) => [...ids, ...new Array<number>(4).fill(padIdOf(arch))]);
        const outLong = model.predict(tf.tensor2d(longer.flat(), [rows.length, seq + 4], 'float32')) as tf.Tensor;
        assert.ok(maxDiff(await outLong.data(), Array.from(got)) < 1e-4, 'extra padding changes nothing');
        tf.dispose([x, out, outLong]);
      } finally {
        model.dispose();
        cleanup();
      }
    });
  }
}

test('every hidden state of the last layer matches (bert, tanh-approximate GELU, 3 layers, 4 heads)', async () => {
  await tf.setBackend('cpu');
  const { model, ckpt, cleanup } = await encoderFor({ architecture: 'bert', hidden: 16, layers: 3, heads: 4, seed: 9, hiddenAct: 'gelu_new' });
  try {
    const last = model.getLayer('encoder.layer.2.output.LayerNorm');
    const hiddenModel = tf.model({ inputs: model.inputs, outputs: last.output as tf.SymbolicTensor });
    const ids = [2, 10, 11, 12, 13, 3, 0, 0];
    const got = await (hiddenModel.predict(tf.tensor2d([ids], [1, 8])) as tf.Tensor).data();
    const want = naiveHidden(ckpt.config, ckpt.tensors, ids).flat();
    // Padded query rows included: they attend to the real keys only, as in HF.
    const diff = maxDiff(got, want);
    assert.ok(diff < 1e-4, `max diff ${diff}`);
  } finally {
    model.dispose();
    cleanup();
  }
});

test('exact GELU: tfjs "gelu" is the erf form, not the tanh approximation', () => {
  const xs = [-3, -1.5, -0.5, 0.5, 1, 2.5];
  const got = tf.tidy(() => tf.layers.activation({ activation: 'gelu' }).apply(tf.tensor1d(xs)) as tf.Tensor).dataSync();
  const exact = xs.map((x) => 0.5 * x * (1 + erfRef(x / Math.SQRT2)));
  const approx = xs.map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))));
  assert.ok(maxDiff(got, exact) < 1e-6, 'matches erf GELU');
  assert.ok(maxDiff(got, approx) > 1e-5, 'differs from the tanh approximation');
});

function erfRef(x: number): number {
  // Numerical integral of 2/√π e^{-t²} (Simpson, 2000 intervals): independent of naiveEncoder's series.
  const n = 2000;
  const h = x / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const t = i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * Math.exp(-t * t);
  }
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}
