// Choosing onnxruntime or tfjs for the frozen forward: unsupported layers give a reason naming
// the layer and its class (and the tfjs path gives predict's numbers), a missing onnxruntime
// (an injected loader), a session that cannot be created or fails mid-way, and the switches
// FINETUNE_ONNX=0 and FINETUNE_FAST_PATHS=0 all fall back to tfjs; onnxruntime over batches
// (an odd row count) matches predict.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { computeFrozenOutputs, type FrozenForwardLog } from '../../../src/engine/onnx/computeFrozenOutputs';
import { exportLayersModelToOnnx } from '../../../src/engine/onnx/exportOnnx';
import { createOnnxFrozenForward } from '../../../src/engine/onnx/onnxFrozenForward';
import type { OnnxRuntimeModule } from '../../../src/engine/onnx/onnxRuntimeLoader';
import { onnxDisabledReason } from '../../../src/engine/onnx/onnxSwitch';
import { LoraDense } from '../../../src/engine/techniques/loraDense';
import { FtBidirectionalGru } from '../../../src/engine/models/bidirectionalGru';
import { assertClose, randomizeWeights, seeded } from './onnxTestUtils';

before(async () => {
  await tf.setBackend('cpu');
});

function mlp(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const h = tf.layers.dense({ units: 8, activation: 'relu', name: 'h' }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'tanh', name: 'out' }).apply(h) as tf.SymbolicTensor });
  randomizeWeights(model, 3);
  return model;
}

function withLstm(): tf.LayersModel {
  const input = tf.input({ shape: [5, 3] });
  const lstm = tf.layers.lstm({ units: 4, name: 'my_lstm' }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: 'after' }).apply(lstm) as tf.SymbolicTensor });
}

function recorder(): { log: FrozenForwardLog; lines: string[] } {
  const lines: string[] = [];
  return { log: (level, message) => lines.push(`${level}: ${message}`), lines };
}

const ON: NodeJS.ProcessEnv = {};

test('a layer without a converter is refused with its name and class; LoRA layers are refused', () => {
  const lstm = exportLayersModelToOnnx(withLstm());
  assert.equal(lstm.ok, false);
  if (!lstm.ok) assert.match(lstm.reason, /layer 'my_lstm' \(LSTM\): no ONNX converter/);

  const input = tf.input({ shape: [4] });
  const lora = new LoraDense({ units: 3, rank: 2, alpha: 4, name: 'q_lora' }).apply(input) as tf.SymbolicTensor;
  const loraResult = exportLayersModelToOnnx(tf.model({ inputs: input, outputs: lora }));
  assert.equal(loraResult.ok, false);
  if (!loraResult.ok) assert.match(loraResult.reason, /layer 'q_lora' \(LoraDense\): a LoRA layer/);

  const seq = tf.input({ shape: [3, 2] });
  const gru = new FtBidirectionalGru({ units: 2, loraRank: 2, name: 'gru_lora' }).apply(seq) as tf.SymbolicTensor;
  const gruResult = exportLayersModelToOnnx(tf.model({ inputs: seq, outputs: gru }));
  assert.equal(gruResult.ok, false);
  if (!gruResult.ok) assert.match(gruResult.reason, /layer 'gru_lora' \(FtBidirectionalGru\): LoRA rank 2/);

  const masked = tf.input({ shape: [3] });
  const emb = tf.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, name: 'emb' }).apply(masked) as tf.SymbolicTensor;
  const embResult = exportLayersModelToOnnx(tf.model({ inputs: masked, outputs: tf.layers.flatten().apply(emb) as tf.SymbolicTensor }));
  assert.equal(embResult.ok, false);
  if (!embResult.ok) assert.match(embResult.reason, /layer 'emb' \(Embedding\): maskZero/);
});

test('an unsupported model falls back to tfjs, logs why, and gives predict\'s numbers', async () => {
  const model = withLstm();
  const x = seeded([7, 5, 3], 1);
  const { log, lines } = recorder();
  const got = await computeFrozenOutputs(model, x, 3, log, { env: ON });
  assertClose(got, model.predict(x) as tf.Tensor, 'tfjs fallback');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^info: frozen forward of '.*': tfjs \(model '.*' is not exported to ONNX: layer 'my_lstm' \(LSTM\)/);
});

test('onnxruntime over batches (11 rows, batch 4) matches predict and logs its path', async () => {
  const model = mlp();
  const x = seeded([11, 4], 2, 2);
  const { log, lines } = recorder();
  const got = await computeFrozenOutputs(model, x, 4, log, { env: ON, threads: 2 });
  assertClose(got, model.predict(x) as tf.Tensor, 'onnxruntime batches');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^info: frozen forward of '.*': onnxruntime-node .*\(CPU, 2 threads\)/);
  const empty = await computeFrozenOutputs(model, tf.zeros([0, 4]), 4, () => undefined, { env: ON });
  assert.deepEqual(empty.shape, [0, 3]);
});

test('without onnxruntime (an injected loader that throws) the tfjs path runs and says why', async () => {
  const model = mlp();
  const x = seeded([5, 4], 3);
  const missing = (): OnnxRuntimeModule => {
    throw new Error("Cannot find module 'onnxruntime-node'");
  };
  const direct = await createOnnxFrozenForward(model, { loader: missing });
  assert.ok('unavailable' in direct);
  if ('unavailable' in direct) assert.match(direct.unavailable, /onnxruntime-node could not be loaded \(Cannot find module/);
  const { log, lines } = recorder();
  const got = await computeFrozenOutputs(model, x, 2, log, { env: ON, loader: missing });
  assertClose(got, model.predict(x) as tf.Tensor, 'no onnxruntime');
  assert.match(lines[0], /tfjs \(onnxruntime-node could not be loaded/);
});

/** A stand-in module whose sessions fail at creation or at run. */
function fakeRuntime(failAt: 'create' | 'run'): OnnxRuntimeModule {
  const fake = {
    env: { versions: { node: 'fake' } },
    Tensor: class {},
    InferenceSession: {
      create: async () => {
        if (failAt === 'create') throw new Error('bad model\nsecond line');
        return { run: async () => Promise.reject(new Error('out of memory')), release: async () => undefined };
      },
    },
  };
  return fake as unknown as OnnxRuntimeModule;
}

test('a session that cannot be created, or fails mid-way, falls back to tfjs with the same numbers', async () => {
  const model = mlp();
  const x = seeded([5, 4], 4);
  const want = model.predict(x) as tf.Tensor;
  const created = recorder();
  assertClose(await computeFrozenOutputs(model, x, 2, created.log, { env: ON, loader: () => fakeRuntime('create') }), want, 'create fails');
  assert.match(created.lines[0], /tfjs \(onnxruntime could not load the exported model '.*': bad model\)$/);
  const ran = recorder();
  assertClose(await computeFrozenOutputs(model, x, 2, ran.log, { env: ON, loader: () => fakeRuntime('run') }), want, 'run fails');
  assert.match(ran.lines[0], /onnxruntime-node fake/);
  assert.match(ran.lines[1], /^warn: onnxruntime failed on '.*' \(out of memory\); tfjs computes/);
  assert.equal(ran.lines.length, 2);
});

test('FINETUNE_ONNX=0 and FINETUNE_FAST_PATHS=0 turn onnxruntime off', async () => {
  assert.equal(onnxDisabledReason({}), null);
  assert.equal(onnxDisabledReason({ FINETUNE_ONNX: '1' }), null);
  assert.match(onnxDisabledReason({ FINETUNE_ONNX: '0' }) ?? '', /FINETUNE_ONNX=0/);
  assert.match(onnxDisabledReason({ FINETUNE_ONNX: 'off' }) ?? '', /FINETUNE_ONNX=off/);
  assert.match(onnxDisabledReason({ FINETUNE_FAST_PATHS: 'false' }) ?? '', /FINETUNE_FAST_PATHS=false turns the fast paths off/);
  const model = mlp();
  const x = seeded([3, 4], 5);
  for (const env of [{ FINETUNE_ONNX: '0' }, { FINETUNE_FAST_PATHS: '0' }]) {
    const { log, lines } = recorder();
    assertClose(await computeFrozenOutputs(model, x, 8, log, { env }), model.predict(x) as tf.Tensor, JSON.stringify(env));
    assert.match(lines[0], /: tfjs \(FINETUNE_(ONNX|FAST_PATHS)=0 turns/);
  }
});
