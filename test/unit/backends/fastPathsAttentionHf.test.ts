// A whole Hugging Face training step (tiny BERT, LoRA, dropout 0.1 on attention probabilities
// and hidden states, head width 6, 11 tokens with padding, so packed tokens engage too) with the
// model fast paths on, fused attention among them, against them off: the loss and the gradient of
// every trainable weight within relative 1e-4 on cpu and wasm, and the fused attention op ran.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadHfTextBase } from '../../../src/engine/models/hf/hfBase';
import { buildHfHead } from '../../../src/engine/models/hf/hfHead';
import { readHfConfig } from '../../../src/engine/models/hf/hfConfig';
import { applyTechnique } from '../../../src/engine/techniques/applyTechnique';
import { forward } from '../../../src/engine/training/forward';
import { trainableVariables } from '../../../src/engine/training/trainer';
import { disableModelFastPaths, installModelFastPaths } from '../../../src/engine/backends/fastPaths/modelFastPaths';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { FUSED_ATTENTION_FAST_PATH, fusedAttentionCounts } from '../../../src/engine/backends/fastPaths/fusedSelfAttention';
import { assertSameLossAndGrads, lossAndGrads } from './fastPathCompare';
import { makeTinyCheckpoint, padIdOf, writeTinyCheckpoint } from '../hf/tinyHfCheckpoint';

after(() => disableModelFastPaths());

const SEQ = 11;
const dir = writeTinyCheckpoint(
  path.join(mkdtempSync(path.join(os.tmpdir(), 'fused-attention-hf-')), 'bert'),
  makeTinyCheckpoint({ architecture: 'bert', hidden: 18, layers: 2, heads: 3, intermediate: 20, seed: 9, scale: 0.3, dropout: 0.1, hiddenAct: 'gelu' }),
);

for (const backend of ['cpu', 'wasm']) {
  test(`HF training step, fast paths on (${FUSED_ATTENTION_FAST_PATH}) = off: tiny BERT LoRA, dropout 0.1 (${backend})`, async () => {
    assert.ok(await tf.setBackend(backend));
    registerSegmentSumKernels();
    const bundle = await loadHfTextBase(dir, dir, { sequenceLength: SEQ });
    const base = await applyTechnique(bundle.base, 'lora', {
      lora: { rank: 2, alpha: 4, dropout: 0, targets: [] },
      adapter: { size: 4, activation: 'gelu', after: [] },
      seed: 3,
      defaults: bundle.defaults,
    });
    bundle.base.dispose();
    const head = buildHfHead(await readHfConfig(dir), { task: 'classification', classes: 2 }, 7);
    const models = { base, head };
    const vars = trainableVariables(models, true);
    vars.forEach((v, i) => v.variable.assign(tf.add(v.variable, tf.randomNormal(v.variable.shape, 0, 0.05, 'float32', 21 + i))));
    const pad = padIdOf('bert');
    const lengths = [SEQ, 6, 2];
    const data: number[] = [];
    lengths.forEach((len, b) => {
      for (let t = 0; t < SEQ; t++) data.push(t === 0 ? 2 : t < len ? 5 + ((b * 7 + t * 3) % 40) : pad);
    });
    const x = tf.tensor2d(data, [3, SEQ]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 1], 'int32'), 2);
    const loss = (): tf.Scalar => {
      const p = forward(models, x, true, true, 777);
      return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.add(p, 1e-7))), -1))) as tf.Scalar;
    };
    const list = vars.map((v) => v.variable);
    assert.deepEqual(installModelFastPaths(backend, () => undefined, { [FAST_PATHS_ENV_VAR]: '0' }), []);
    const stock = lossAndGrads(loss, list);
    const names = installModelFastPaths(backend, () => undefined, {});
    assert.ok(names.includes(FUSED_ATTENTION_FAST_PATH), names.join(', '));
    const before = { ...fusedAttentionCounts };
    const fast = lossAndGrads(loss, list);
    assert.equal(fusedAttentionCounts.forward - before.forward, 2, 'both layers ran the fused forward');
    assert.equal(fusedAttentionCounts.backward - before.backward, 2, 'both layers ran the fused backward');
    disableModelFastPaths();
    assertSameLossAndGrads(fast, stock, `tiny BERT LoRA ${backend}`);
    tf.dispose([x, y]);
    base.dispose();
    head.dispose();
  });
}
