// The model fast paths (installModelFastPaths: frozen Dense without weight gradients, shared
// Identity/Cast, leading-axes Sum, fused GELU, packed tokens) on tiny BERT, DistilBERT and RoBERTa encoders with
// their heads, through the training forward pass with seeded dropout (0.1): the loss and the
// gradient of every trainable weight equal the stock path within relative 1e-4, for LoRA (on the
// GELU feed-forward too), adapters and full fine-tuning, on cpu and wasm. Trainable weights that
// start at zero (LoRA B, adapter up-projections) are set to small random values first, so every
// gradient is non-zero and compared. (gelu_new, the tanh GELU, is covered by
// test/unit/backends/fastPathsGelu.test.ts: a Dense with 'gelu_new' cannot be rebuilt from its
// JSON in tfjs 4.22, which applyTechnique does.)

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { TechniqueName } from '../../../src/protocol/configTypes';
import { loadHfTextBase } from '../../../src/engine/models/hf/hfBase';
import { buildHfHead } from '../../../src/engine/models/hf/hfHead';
import { readHfConfig, type HfArchitecture } from '../../../src/engine/models/hf/hfConfig';
import { applyTechnique } from '../../../src/engine/techniques/applyTechnique';
import { forward } from '../../../src/engine/training/forward';
import { trainableVariables } from '../../../src/engine/training/trainer';
import { disableModelFastPaths, installModelFastPaths } from '../../../src/engine/backends/fastPaths/modelFastPaths';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { packingCounts } from '../../../src/engine/models/hf/hfPacking';
import { assertSameLossAndGrads, lossAndGrads } from '../backends/fastPathCompare';
import { makeTinyCheckpoint, padIdOf, writeTinyCheckpoint } from './tinyHfCheckpoint';

after(() => disableModelFastPaths());

const SEQ = 12;
const root = mkdtempSync(path.join(os.tmpdir(), 'hf-fast-paths-'));

function modelDir(arch: HfArchitecture, hiddenAct: string): string {
  return writeTinyCheckpoint(
    path.join(root, `${arch}-${hiddenAct}`),
    makeTinyCheckpoint({ architecture: arch, hidden: 16, layers: 2, heads: 2, intermediate: 24, seed: 5, scale: 0.3, dropout: 0.1, hiddenAct }),
  );
}

/** Token ids [4, SEQ]: [CLS]-like start, words, padding after different lengths. */
function ids(arch: HfArchitecture): tf.Tensor2D {
  const pad = padIdOf(arch);
  const lengths = [SEQ, 7, 3, 10];
  const data: number[] = [];
  lengths.forEach((len, b) => {
    for (let t = 0; t < SEQ; t++) data.push(t === 0 ? (arch === 'roberta' ? 0 : 2) : t < len ? 5 + ((b * 7 + t * 3) % 50) : pad);
  });
  return tf.tensor2d(data, [4, SEQ]);
}

interface Case {
  arch: HfArchitecture;
  hiddenAct: string;
  technique: TechniqueName;
  targets?: string[];
}

const CASES: Case[] = [
  { arch: 'bert', hiddenAct: 'gelu', technique: 'lora' },
  { arch: 'bert', hiddenAct: 'gelu', technique: 'lora', targets: ['q', 'v', 'ffn'] },
  { arch: 'bert', hiddenAct: 'gelu', technique: 'adapter' },
  { arch: 'distilbert', hiddenAct: 'gelu', technique: 'adapter' },
  { arch: 'roberta', hiddenAct: 'gelu', technique: 'full' },
  { arch: 'distilbert', hiddenAct: 'gelu', technique: 'full' },
];

for (const backend of ['cpu', 'wasm']) {
  for (const c of CASES) {
    test(`model fast paths = stock: ${c.arch} (${c.hiddenAct}) ${c.technique}${c.targets ? ` on ${c.targets.join(',')}` : ''}, dropout 0.1 (${backend})`, async () => {
      assert.ok(await tf.setBackend(backend));
      registerSegmentSumKernels();
      const dir = modelDir(c.arch, c.hiddenAct);
      const bundle = await loadHfTextBase(dir, dir, { sequenceLength: SEQ });
      const base = await applyTechnique(bundle.base, c.technique, {
        lora: { rank: 4, alpha: 8, dropout: 0, targets: c.targets ?? [] },
        adapter: { size: 4, activation: 'gelu', after: [] },
        seed: 3,
        defaults: bundle.defaults,
      });
      bundle.base.dispose();
      const head = buildHfHead(await readHfConfig(dir), { task: 'classification', classes: 3 }, 7);
      const models = { base, head };
      const vars = trainableVariables(models, true);
      vars.forEach((v, i) => v.variable.assign(tf.add(v.variable, tf.randomNormal(v.variable.shape, 0, 0.05, 'float32', 11 + i))));
      const x = ids(c.arch);
      const y = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
      const loss = (): tf.Scalar => {
        const p = forward(models, x, true, true, 12345);
        return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.add(p, 1e-7))), -1))) as tf.Scalar;
      };
      const list = vars.map((v) => v.variable);
      assert.deepEqual(installModelFastPaths(backend, () => undefined, { [FAST_PATHS_ENV_VAR]: '0' }), []);
      const stock = lossAndGrads(loss, list);
      const names = installModelFastPaths(backend, () => undefined, {});
      assert.ok(names.includes('frozen-dense-input-grad-only'), names.join(', '));
      if (backend === 'wasm') assert.ok(names.includes('wasm-shared-identity') && names.includes('wasm-leading-axes-sum'), names.join(', '));
      const packed = packingCounts.packed;
      const fast = lossAndGrads(loss, list);
      assert.equal(packingCounts.packed - packed, 1, 'the batch ran packed');
      disableModelFastPaths();
      assertSameLossAndGrads(fast, stock, `${c.arch} ${c.technique} ${backend}`);
      tf.dispose([x, y]);
      base.dispose();
      head.dispose();
    });
  }
}
