// Packed tokens (hfPacking.ts) on their own: the layout's indices for a small batch, and the
// encoders' outputs and gradients packed against padded (only this fast path switched, the
// others off) for BERT (absolute positions) and RoBERTa (positions from the ids), with a padding
// id inside a text, an example of one token, dropout 0.1 in training mode, and in inference
// mode; models it cannot pack (a LoRA dropout) run padded; too little padding runs padded.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { HfArchitecture } from '../../../src/engine/models/hf/hfConfig';
import { readHfConfig } from '../../../src/engine/models/hf/hfConfig';
import { loadHfTextBase } from '../../../src/engine/models/hf/hfBase';
import { buildHfHead } from '../../../src/engine/models/hf/hfHead';
import { makePackedLayout, packingCounts, packingSupport, realLengths } from '../../../src/engine/models/hf/hfPacking';
import { disablePackedTokens, enablePackedTokens } from '../../../src/engine/backends/fastPaths/packedTokens';
import { applyTechnique } from '../../../src/engine/techniques/applyTechnique';
import { forward } from '../../../src/engine/training/forward';
import { trainableVariables } from '../../../src/engine/training/trainer';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';
import { assertCloseArrays, assertSameLossAndGrads, lossAndGrads } from '../backends/fastPathCompare';
import { makeTinyCheckpoint, padIdOf, writeTinyCheckpoint } from './tinyHfCheckpoint';

after(() => disablePackedTokens());

test('layout: lengths end at the last non-padding id; indices of a [3, 4] batch', async () => {
  assert.ok(await tf.setBackend('cpu'));
  const P = 0;
  assert.deepEqual(realLengths([2, 5, P, P, 2, P, 7, P, P, P, P, P], 3, 4, P), [2, 3, 1]);
  const layout = makePackedLayout([2, 3, 1], 4);
  const tensors = [layout.tokenIndex, layout.positions, layout.unpackIndex, layout.packIndex, layout.firstIndex];
  const [tokenIndex, positions, unpackIndex, packIndex, firstIndex] = tensors.map((t) => Array.from(t.dataSync()));
  tf.dispose(tensors);
  assert.equal(layout.total, 6);
  assert.equal(layout.maxLength, 3);
  assert.deepEqual(tokenIndex, [0, 1, 4, 5, 6, 8]);
  assert.deepEqual(positions, [0, 1, 0, 1, 2, 0]);
  assert.deepEqual(unpackIndex, [0, 1, 6, 2, 3, 4, 5, 6, 6]);
  assert.deepEqual(packIndex, [0, 1, 3, 4, 5, 6]);
  assert.deepEqual(firstIndex, [0, 2, 5]);
});

const SEQ = 16;
const root = mkdtempSync(path.join(os.tmpdir(), 'hf-packing-'));

/** [5, SEQ]: lengths 16, 9 (a padding id at position 4), 1, 5, 12. */
function ids(arch: HfArchitecture): tf.Tensor2D {
  const pad = padIdOf(arch);
  const lengths = [SEQ, 9, 1, 5, 12];
  const data: number[] = [];
  lengths.forEach((len, b) => {
    for (let t = 0; t < SEQ; t++) {
      const word = 5 + ((b * 11 + t * 5) % 50);
      data.push(t === 0 ? (arch === 'roberta' ? 0 : 2) : t >= len || (b === 1 && t === 4) ? pad : word);
    }
  });
  return tf.tensor2d(data, [5, SEQ]);
}

for (const arch of ['bert', 'roberta'] as const) {
  test(`packed = padded: ${arch} full fine-tuning with dropout, and inference (wasm)`, async () => {
    assert.ok(await tf.setBackend('wasm'));
    registerSegmentSumKernels();
    const dir = writeTinyCheckpoint(path.join(root, arch), makeTinyCheckpoint({ architecture: arch, hidden: 16, layers: 2, heads: 4, intermediate: 24, seed: 9, scale: 0.3, dropout: 0.1 }));
    const bundle = await loadHfTextBase(dir, dir, { sequenceLength: SEQ });
    const base = await applyTechnique(bundle.base, 'full', { lora: { rank: 2, alpha: 2, dropout: 0, targets: [] }, adapter: { size: 2, activation: 'relu', after: [] }, seed: 1, defaults: bundle.defaults });
    bundle.base.dispose();
    const models = { base, head: buildHfHead(await readHfConfig(dir), { task: 'classification', classes: 2 }, 3) };
    assert.notEqual(packingSupport(base), null);
    const x = ids(arch);
    const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1], 'int32'), 2);
    const loss = (): tf.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.add(forward(models, x, true, true, 77), 1e-7))), -1))) as tf.Scalar;
    const vars = trainableVariables(models, true).map((v) => v.variable);
    disablePackedTokens();
    const padded = lossAndGrads(loss, vars);
    const paddedOut = tf.tidy(() => forward(models, x, true, false).dataSync());
    enablePackedTokens();
    const before = packingCounts.packed;
    const packed = lossAndGrads(loss, vars);
    const packedOut = tf.tidy(() => forward(models, x, true, false).dataSync());
    assert.equal(packingCounts.packed - before, 2, 'training and inference batches ran packed');
    assertSameLossAndGrads(packed, padded, `${arch} training`);
    assertCloseArrays(packedOut, paddedOut, `${arch} inference outputs`);
    // A batch with little padding stays padded.
    const full = tf.tensor2d(Array.from({ length: 2 * SEQ }, (_, i) => (i % SEQ === 0 ? 2 : 7)), [2, SEQ]);
    const padded0 = packingCounts.padded;
    tf.tidy(() => forward(models, full, true, false));
    assert.equal(packingCounts.padded - padded0, 1);
    tf.dispose([x, y, full]);
    base.dispose();
    models.head.dispose();
  });
}

test('a LoRA dropout makes a model unpackable (its mask is drawn per row shape)', async () => {
  const dir = writeTinyCheckpoint(path.join(root, 'lora'), makeTinyCheckpoint({ architecture: 'bert', hidden: 8, layers: 1, heads: 2, seed: 2 }));
  const bundle = await loadHfTextBase(dir, dir, { sequenceLength: SEQ });
  const withDropout = await applyTechnique(bundle.base, 'lora', { lora: { rank: 2, alpha: 2, dropout: 0.1, targets: [] }, adapter: { size: 2, activation: 'relu', after: [] }, seed: 1, defaults: bundle.defaults });
  const without = await applyTechnique(bundle.base, 'lora', { lora: { rank: 2, alpha: 2, dropout: 0, targets: [] }, adapter: { size: 2, activation: 'relu', after: [] }, seed: 1, defaults: bundle.defaults });
  assert.equal(packingSupport(withDropout), null);
  assert.deepEqual(packingSupport(without), { padTokenId: 0 });
  [bundle.base, withDropout, without].forEach((m) => m.dispose());
});
