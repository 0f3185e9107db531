import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FtBidirectionalGru } from '../../../src/engine/models/bidirectionalGru';
import { applyTechnique } from '../../../src/engine/techniques/applyTechnique';
import { countParams } from '../../../src/engine/techniques/countParams';
import { mergeLora } from '../../../src/engine/techniques/mergeLora';
import { LoraDense } from '../../../src/engine/techniques/loraDense';
import { data, maxAbsDiff, options, predict, sameBits, saveAndLoad, snapshot, train, trainableNames } from './techniqueFixtures';

/** input[5, 3] → bigru FtBidirectionalGru(4, last state) → head Dense(2). */
function gruModel(): tf.LayersModel {
  const input = tf.input({ shape: [5, 3], name: 'g_in' });
  const gru = new FtBidirectionalGru({ units: 4, returnSequences: false, name: 'bigru' }).apply(input) as tf.SymbolicTensor;
  const head = tf.layers.dense({ units: 2, name: 'head' }).apply(gru) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: head, name: 'gru_model' });
}

const LORA_GRU = ['a', 'b'].flatMap((m) =>
  ['forward_gru', 'backward_gru'].flatMap((d) => [`bigru/${d}/lora_kernel_${m}`, `bigru/${d}/lora_recurrent_kernel_${m}`]),
).sort();

describe('LoRA on FtBidirectionalGru', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it("kind 'gru': LoRA config set, only the LoRA matrices train, outputs equal the base exactly", async () => {
    const base = gruModel();
    const model = await applyTechnique(base, 'lora', options({ lora: { targets: ['gru'], rank: 2, alpha: 4 } }));
    const layer = model.getLayer('bigru');
    assert.ok(layer instanceof FtBidirectionalGru);
    assert.equal(layer.loraRank, 2);
    assert.equal(layer.loraAlpha, 4);
    assert.deepEqual(trainableNames(model), LORA_GRU);
    const x = data([3, 5, 3]);
    assert.deepEqual(predict(model, x), predict(base, x));
    // Base: per direction 3·12 + 4·12 + 12 = 96, ×2 = 192; head 8·2+2 = 18 → 210.
    // LoRA r=2 per direction: 3·2 + 2·12 + 4·2 + 2·12 = 62, ×2 = 124.
    assert.deepEqual(countParams(model), { total: 334, trainable: 124 });
  });

  it("targets ['gru', 'head']: both layer kinds at once", async () => {
    const model = await applyTechnique(gruModel(), 'lora', options({ lora: { targets: ['gru', 'head'] } }));
    assert.ok(model.getLayer('head') instanceof LoraDense);
    assert.deepEqual(trainableNames(model), [...LORA_GRU, 'head/lora_A', 'head/lora_B'].sort());
  });

  it('training moves only LoRA weights; merge gives a plain GRU with the same outputs (1e-5)', async () => {
    const model = await applyTechnique(gruModel(), 'lora', options({ lora: { targets: ['gru'] } }));
    const frozen = snapshot(model);
    train(model, data([6, 5, 3], 3), 4, tf.train.adam(0.05));
    const after = snapshot(model);
    for (const [name, values] of frozen) {
      assert.equal(sameBits(values, after.get(name)!), !LORA_GRU.includes(name), name);
    }
    const merged = await mergeLora(model);
    const layer = merged.getLayer('bigru');
    assert.ok(layer instanceof FtBidirectionalGru);
    assert.equal(layer.loraRank, 0);
    assert.ok(merged.weights.every((w) => !w.originalName.includes('lora_')));
    const x = data([4, 5, 3], 7);
    const diff = maxAbsDiff(predict(merged, x), predict(model, x));
    assert.ok(diff < 1e-5, `max abs diff ${diff}`);
  });

  it('save → load of the LoRA model gives identical outputs', async () => {
    const model = await applyTechnique(gruModel(), 'lora', options({ lora: { targets: ['bigru'] } }));
    train(model, data([6, 5, 3], 3), 2, tf.train.sgd(0.5));
    const loaded = await saveAndLoad(model);
    const x = data([2, 5, 3], 5);
    assert.deepEqual(predict(loaded, x), predict(model, x));
    assert.deepEqual(trainableNames(loaded), LORA_GRU);
  });

  it('an adapter after the GRU', async () => {
    const base = gruModel();
    const model = await applyTechnique(base, 'adapter', options({ adapter: { after: ['bigru'] } }));
    const x = data([2, 5, 3]);
    assert.deepEqual(predict(model, x), predict(base, x));
    assert.equal(model.getLayer('head').inboundNodes[0].inboundLayers[0].name, 'bigru_adapter');
  });
});
