// Techniques on the Hugging Face encoders without training: the edited model computes what the
// base computes, LoRA / adapters land where the defaults, short names (q, k, v, o, ffn) and PEFT
// style module names say, unknown names are clear errors, and the custom layers survive a save
// and load (as checkpoints do).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { AdapterConfig, LoraConfig, TechniqueName } from '../../../src/protocol/configTypes';
import { parseHfConfig } from '../../../src/engine/models/hf/hfConfig';
import { buildHfEncoder } from '../../../src/engine/models/hf/hfEncoder';
import { hfTechniqueDefaults } from '../../../src/engine/models/hf/hfBase';
import { loadLayersModelFromDir, saveLayersModelToDir } from '../../../src/engine/models/fsModelIo';
import { applyTechnique } from '../../../src/engine/techniques/applyTechnique';
import { UserError } from '../../../src/engine/userError';
import '../../../src/engine/models/customLayers';
import { tempDir } from '../models/modelTestUtils';
import { makeTinyCheckpoint } from './tinyHfCheckpoint';

const LORA: LoraConfig = { rank: 2, alpha: 4, dropout: 0, targets: [] };
const ADAPTER: AdapterConfig = { size: 4, activation: 'gelu', after: [] };

function encoder(arch: 'bert' | 'distilbert' | 'roberta'): { base: tf.LayersModel; defaults: ReturnType<typeof hfTechniqueDefaults> } {
  const config = parseHfConfig(makeTinyCheckpoint({ architecture: arch }).config, 'config.json');
  return { base: buildHfEncoder(config), defaults: hfTechniqueDefaults(config) };
}

async function apply(arch: 'bert' | 'distilbert' | 'roberta', technique: TechniqueName, lora: Partial<LoraConfig> = {}, adapter: Partial<AdapterConfig> = {}): Promise<{ base: tf.LayersModel; model: tf.LayersModel }> {
  const { base, defaults } = encoder(arch);
  const model = await applyTechnique(base, technique, { lora: { ...LORA, ...lora }, adapter: { ...ADAPTER, ...adapter }, seed: 1, defaults });
  return { base, model };
}

function layersOf(model: tf.LayersModel, className: string): string[] {
  return model.layers.filter((l) => l.getClassName() === className).map((l) => l.name);
}

const IDS = tf.tensor2d([[2, 9, 10, 11, 3, 0], [2, 12, 3, 0, 0, 0]], [2, 6], 'float32');

test('every technique starts from exactly the base outputs and survives save + load', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('hf-tech');
  try {
    for (const technique of ['full', 'features', 'lora', 'adapter'] as TechniqueName[]) {
      const { base, model } = await apply('bert', technique);
      const want = (base.predict(IDS) as tf.Tensor).dataSync();
      assert.deepEqual(Array.from((model.predict(IDS) as tf.Tensor).dataSync()), Array.from(want), technique);
      await saveLayersModelToDir(model, path.join(dir, technique));
      const back = await loadLayersModelFromDir(path.join(dir, technique));
      assert.deepEqual(Array.from((back.predict(IDS) as tf.Tensor).dataSync()), Array.from(want), `${technique} after save and load`);
      for (const m of [base, model, back]) m.dispose();
    }
  } finally {
    cleanup();
  }
});

test('lora defaults: query and value of every layer; only A and B train', async () => {
  const { model } = await apply('bert', 'lora');
  assert.deepEqual(layersOf(model, 'LoraDense'), [
    'encoder.layer.0.attention.self.query',
    'encoder.layer.0.attention.self.value',
    'encoder.layer.1.attention.self.query',
    'encoder.layer.1.attention.self.value',
  ]);
  assert.deepEqual(
    model.trainableWeights.map((w) => w.originalName.split('/').pop()),
    new Array(4).fill(['lora_A', 'lora_B']).flat(),
  );
});

test('short names and PEFT module names pick the right layers (distilbert, roberta)', async () => {
  const d = await apply('distilbert', 'lora', { targets: ['k', 'o', 'ffn'] });
  assert.deepEqual(layersOf(d.model, 'LoraDense'), [
    'transformer.layer.0.attention.k_lin', 'transformer.layer.0.attention.out_lin', 'transformer.layer.0.ffn.lin1', 'transformer.layer.0.ffn.lin2',
    'transformer.layer.1.attention.k_lin', 'transformer.layer.1.attention.out_lin', 'transformer.layer.1.ffn.lin1', 'transformer.layer.1.ffn.lin2',
  ]);
  const r = await apply('roberta', 'lora', { targets: ['key', 'encoder.layer.1.attention.self.query', 'intermediate.dense'] });
  assert.deepEqual(layersOf(r.model, 'LoraDense'), [
    'encoder.layer.0.attention.self.key', 'encoder.layer.0.intermediate.dense',
    'encoder.layer.1.attention.self.query', 'encoder.layer.1.attention.self.key', 'encoder.layer.1.intermediate.dense',
  ]);
  const a = await apply('roberta', 'adapter', {}, { after: ['ffn'] });
  assert.deepEqual(layersOf(a.model, 'BottleneckAdapter'), ['encoder.layer.0.output.dense_adapter', 'encoder.layer.1.output.dense_adapter']);
  const da = await apply('distilbert', 'adapter');
  assert.deepEqual(layersOf(da.model, 'BottleneckAdapter'), [
    'transformer.layer.0.attention.out_lin_adapter', 'transformer.layer.0.ffn.lin2_adapter',
    'transformer.layer.1.attention.out_lin_adapter', 'transformer.layer.1.ffn.lin2_adapter',
  ]);
});

test('unknown or unfit targets are UserErrors that list the short names', async () => {
  await assert.rejects(apply('bert', 'lora', { targets: ['qq'] }), (err: Error) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, /LoRA target 'qq'/);
    assert.match(err.hint ?? '', /Short names this model accepts: q, k, v, o, ffn/);
    return true;
  });
  await assert.rejects(apply('bert', 'lora', { targets: ['LayerNorm'] }), /LoRA cannot go on the layers named '….LayerNorm'/);
  await assert.rejects(apply('bert', 'adapter', {}, { after: ['input_ids'] }), /An adapter cannot follow layer 'input_ids'/);
  await assert.rejects(apply('bert', 'adapter', {}, { after: ['nowhere'] }), (err: Error) => {
    assert.ok(err instanceof UserError);
    assert.match(err.hint ?? '', /Short names this model accepts: o, attention, ffn/);
    return true;
  });
});
