// Loading Hugging Face checkpoints: the name variants real checkpoints use give identical
// models; missing, unknown and mis-shaped tensors are errors that name them; known pre-training
// leftovers are ignored and reported.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readHfCheckpoint } from '../../../src/engine/models/hf/hfCheckpointFiles';
import { readHfConfig, type HfArchitecture } from '../../../src/engine/models/hf/hfConfig';
import { buildHfEncoder } from '../../../src/engine/models/hf/hfEncoder';
import { loadHfWeights, type HfLoadReport } from '../../../src/engine/models/hf/hfWeights';
import { UserError } from '../../../src/engine/userError';
import { tempDir } from '../models/modelTestUtils';
import { makeTinyCheckpoint, padIdOf, writeTinyCheckpoint, type TinyTensor, type WriteOptions } from './tinyHfCheckpoint';

async function load(dir: string): Promise<{ model: tf.LayersModel; report: HfLoadReport }> {
  const config = await readHfConfig(dir);
  const file = await readHfCheckpoint(dir);
  const model = buildHfEncoder(config);
  try {
    return { model, report: loadHfWeights([{ model, prefixed: true }], file.tensors, config.architecture, file.source) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function ids(arch: HfArchitecture): tf.Tensor2D {
  const p = padIdOf(arch);
  return tf.tensor2d([[2, 8, 9, 10, 11, 3, p, p], [2, 12, 13, 3, p, p, p, p]], [2, 8], 'float32');
}

function tiny(n: number): TinyTensor {
  return { shape: [n], data: new Float32Array(n).fill(0.5) };
}

const VARIANTS: Array<{ title: string; options: WriteOptions }> = [
  { title: 'model prefix', options: { prefix: true } },
  { title: 'LayerNorm gamma/beta', options: { gammaBeta: true } },
  { title: 'prefix and gamma/beta', options: { prefix: true, gammaBeta: true } },
];

for (const arch of ['bert', 'distilbert', 'roberta'] as HfArchitecture[]) {
  test(`${arch}: every name variant loads to identical outputs`, async () => {
    await tf.setBackend('cpu');
    const { dir, cleanup } = tempDir('hf-weights');
    try {
      const ckpt = makeTinyCheckpoint({ architecture: arch, seed: 3 });
      const reference = await load(writeTinyCheckpoint(path.join(dir, 'plain'), ckpt));
      const want = (reference.model.predict(ids(arch)) as tf.Tensor).dataSync();
      for (const variant of VARIANTS) {
        const loaded = await load(writeTinyCheckpoint(path.join(dir, variant.title.replace(/\W+/g, '-')), ckpt, variant.options));
        const got = (loaded.model.predict(ids(arch)) as tf.Tensor).dataSync();
        assert.deepEqual(Array.from(got), Array.from(want), variant.title);
        loaded.model.dispose();
      }
      // The weights really came from the file: a fresh encoder differs.
      const fresh = buildHfEncoder(await readHfConfig(path.join(dir, 'plain')));
      const other = (fresh.predict(ids(arch)) as tf.Tensor).dataSync();
      assert.notDeepEqual(Array.from(other), Array.from(want));
      fresh.dispose();
      reference.model.dispose();
    } finally {
      cleanup();
    }
  });
}

test('known pre-training leftovers are ignored and listed; the same tensor twice is an error', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('hf-weights');
  try {
    const ckpt = makeTinyCheckpoint({ architecture: 'bert', seed: 4 });
    const extra = new Map<string, TinyTensor>([
      ['cls.predictions.bias', tiny(ckpt.vocab.length)],
      ['cls.seq_relationship.bias', tiny(2)],
      ['bert.embeddings.position_ids', tiny(40)],
      ['classifier.bias', tiny(3)],
    ]);
    const { model, report } = await load(writeTinyCheckpoint(path.join(dir, 'extra'), ckpt, { prefix: true, extra }));
    assert.deepEqual(report.ignored, ['bert.embeddings.position_ids', 'classifier.bias', 'cls.predictions.bias', 'cls.seq_relationship.bias']);
    assert.deepEqual(report.initialised, []);
    model.dispose();
    const twice = new Map([['bert.embeddings.LayerNorm.weight', ckpt.tensors.get('embeddings.LayerNorm.weight') as TinyTensor]]);
    await assert.rejects(load(writeTinyCheckpoint(path.join(dir, 'twice'), ckpt, { extra: twice })), (err: Error) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /same weight twice: 'bert\.embeddings\.LayerNorm\.weight' and 'embeddings\.LayerNorm\.weight'|same weight twice: 'embeddings\.LayerNorm\.weight' and 'bert\.embeddings\.LayerNorm\.weight'/);
      return true;
    });
  } finally {
    cleanup();
  }
});

test('RoBERTa: the unused pooler of a roberta-base style checkpoint is ignored', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('hf-weights');
  try {
    const ckpt = makeTinyCheckpoint({ architecture: 'roberta', seed: 4 });
    const extra = new Map<string, TinyTensor>([
      ['roberta.pooler.dense.bias', tiny(16)],
      ['lm_head.bias', tiny(ckpt.vocab.length)],
    ]);
    const { model, report } = await load(writeTinyCheckpoint(path.join(dir, 'r'), ckpt, { prefix: true, extra }));
    assert.deepEqual(report.ignored, ['lm_head.bias', 'roberta.pooler.dense.bias']);
    model.dispose();
  } finally {
    cleanup();
  }
});

test('missing, unknown and mis-shaped tensors are UserErrors that name them', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('hf-weights');
  try {
    const ckpt = makeTinyCheckpoint({ architecture: 'bert', seed: 6 });
    const missing = writeTinyCheckpoint(path.join(dir, 'missing'), ckpt, { drop: ['encoder.layer.1.attention.self.key.weight', 'embeddings.LayerNorm.bias'] });
    await assert.rejects(load(missing), (err: Error) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /lacks 2 tensor\(s\)/);
      assert.match(err.message, /encoder\.layer\.1\.attention\.self\.key\.weight/);
      assert.match(err.message, /embeddings\.LayerNorm\.bias/);
      assert.match(err.message, /model\.safetensors/);
      return true;
    });
    const unknown = writeTinyCheckpoint(path.join(dir, 'unknown'), ckpt, {
      extra: new Map([['encoder.layer.0.attention.self.rotary.weight', tiny(4)]]),
    });
    await assert.rejects(load(unknown), /does not know: encoder\.layer\.0\.attention\.self\.rotary\.weight/);
    const wrong = new Map(ckpt.tensors);
    wrong.set('pooler.dense.weight', { shape: [8, 16], data: new Float32Array(128) });
    await assert.rejects(load(writeTinyCheckpoint(path.join(dir, 'shape'), { ...ckpt, tensors: wrong })), /pooler\.dense\.weight is \[8, 16\], expected \[16, 16\]/);
  } finally {
    cleanup();
  }
});

test('a BERT checkpoint without a pooler loads with a fresh pooler, reported', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('hf-weights');
  try {
    const ckpt = makeTinyCheckpoint({ architecture: 'bert', seed: 6 });
    const folder = writeTinyCheckpoint(path.join(dir, 'nopooler'), ckpt, { drop: ['pooler.dense.weight', 'pooler.dense.bias'] });
    const { model, report } = await load(folder);
    assert.deepEqual(report.initialised, ['pooler.dense.weight', 'pooler.dense.bias']);
    model.dispose();
  } finally {
    cleanup();
  }
});

test('a folder with only pytorch_model.bin says how to convert it; config errors name the field', async () => {
  const { dir, cleanup } = tempDir('hf-weights');
  try {
    const fs = await import('node:fs');
    const folder = path.join(dir, 'pt');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify(makeTinyCheckpoint({ architecture: 'bert' }).config));
    fs.writeFileSync(path.join(folder, 'pytorch_model.bin'), 'x');
    await assert.rejects(readHfCheckpoint(folder), (err: Error) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /no model\.safetensors \(only pytorch_model\.bin\)/);
      assert.match(err.hint ?? '', /safe_serialization=True/);
      return true;
    });
    fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ model_type: 'gpt2', vocab_size: 10 }));
    await assert.rejects(readHfConfig(folder), /model_type "gpt2" is not supported/);
    fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ ...makeTinyCheckpoint({ architecture: 'bert' }).config, num_attention_heads: 3 }));
    await assert.rejects(readHfConfig(folder), /hidden size 16 is not a multiple of the 3 attention heads/);
    fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ ...makeTinyCheckpoint({ architecture: 'bert' }).config, hidden_act: 'quick_gelu' }));
    await assert.rejects(readHfConfig(folder), /"hidden_act": "quick_gelu" is not supported/);
  } finally {
    cleanup();
  }
});
