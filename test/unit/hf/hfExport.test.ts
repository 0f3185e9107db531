// Exports of fine-tuned Hugging Face runs: `export --format hf` loads back (encoder and classifier)
// with identical outputs and HF names; `--format peft` has PEFT's names and shapes, and applying
// the adapter by hand to the base weights gives the merged weights; adapter runs are refused.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { TechniqueName, TrainConfig } from '../../../src/protocol/configTypes';
import { parseCli } from '../../../src/cli/cliArgs';
import { exportCommand } from '../../../src/cli/commands/exportCommand';
import { composeModel } from '../../../src/engine/models/head';
import type { HfArchitecture } from '../../../src/engine/models/hf/hfConfig';
import { exportHfModel, exportPeftAdapter, peftTargetModules, type HfExportSource } from '../../../src/engine/models/hf/hfExport';
import { loadHfSequenceClassifier } from '../../../src/engine/models/hf/hfSequenceClassifier';
import { loadHfTextBase } from '../../../src/engine/models/hf/hfBase';
import { readSafetensorsFile, type SafetensorsEntry } from '../../../src/engine/models/hf/safetensors';
import { disposeRun, loadRun, type LoadedRun } from '../../../src/engine/runner/loadRun';
import { UserError } from '../../../src/engine/userError';
import { tempDir, writeTextCsv } from '../helpers/fixtures';
import { createAndRun } from '../helpers/runHelpers';
import { makeTinyCheckpoint, writeTinyCheckpoint, type TinyCheckpoint } from './tinyHfCheckpoint';

interface TrainedRun {
  root: string;
  ckpt: TinyCheckpoint;
  loaded: LoadedRun;
  runsDir: string;
  runId: string;
  texts: string[];
}

async function trainedRun(arch: HfArchitecture, technique: TechniqueName, extra: Partial<TrainConfig> = {}): Promise<TrainedRun> {
  const root = tempDir();
  const csv = writeTextCsv(root, 60);
  const ckpt = makeTinyCheckpoint({ architecture: arch, hidden: 16, layers: 2, heads: 2, seed: 31, scale: 0.3, dropout: 0.1 });
  const model = writeTinyCheckpoint(path.join(root, `${arch}-model`), ckpt);
  const runsDir = path.join(root, 'runs');
  const { store, runId, result } = await createAndRun(runsDir, csv, {
    model,
    technique,
    epochs: 2,
    batchSize: 8,
    learningRate: 1e-2,
    maxSequenceLength: 16,
    split: { validation: 0.2, test: 0.2 },
    lora: { rank: 2, alpha: 6, dropout: 0, targets: [] },
    ...extra,
  });
  assert.equal(result.status, 'completed');
  const loaded = await loadRun(store, await store.readRun(runId));
  const texts = ['great love the product (1)', 'awful hate it (2)', 'the order was very perfect and it is the best (3)', 'bad'];
  return { root, ckpt, loaded, runsDir, runId, texts };
}

function sourceOf(run: TrainedRun): HfExportSource {
  const state = run.loaded.encoder.state;
  assert.ok(state.kind === 'text' && state.tokenizer === 'hf');
  return { base: run.loaded.models.base, head: run.loaded.models.head, modelDir: state.modelDir, codec: run.loaded.codec, model: run.loaded.run.config.model };
}

/** The run's own predictions and those of the exported folder loaded back, on the same texts. */
async function predictBoth(run: TrainedRun, exported: string): Promise<{ want: Float32Array; got: Float32Array; classes: string[] }> {
  const x = run.loaded.encoder.encode(run.texts.map((t, i) => ({ line: i + 2, values: { review: t }, label: 'good' })));
  const want = (composeModel(run.loaded.models.base, run.loaded.models.head).predict(x) as tf.Tensor).dataSync() as Float32Array;
  const back = await loadHfSequenceClassifier(exported);
  assert.deepEqual(back.report.ignored, []);
  const got = (composeModel(back.base, back.head).predict(x) as tf.Tensor).dataSync() as Float32Array;
  back.base.dispose();
  back.head.dispose();
  return { want, got, classes: back.classes };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function tensor(map: ReadonlyMap<string, SafetensorsEntry>, name: string): SafetensorsEntry {
  const t = map.get(name);
  assert.ok(t !== undefined, `tensor ${name} is in the file (names: ${[...map.keys()].slice(0, 5).join(', ')}, …)`);
  return t;
}

test('bert full run: export --format hf (through the CLI) loads back with identical outputs and HF names', async () => {
  const run = await trainedRun('bert', 'full');
  try {
    const out = path.join(run.root, 'hf-export');
    const lines: string[] = [];
    const code = await exportCommand({
      cli: parseCli(['export', run.runId, '--format', 'hf', '--out', out, '--runs-dir', run.runsDir]),
      out: (t) => lines.push(t),
      err: (t) => lines.push(t),
      isTty: false,
    });
    assert.equal(code, 0);
    assert.match(lines.join(''), /Hugging Face model .* model\.safetensors, config\.json, vocab\.txt/);
    const { want, got, classes } = await predictBoth(run, out);
    assert.ok(maxDiff(want, got) < 1e-6, `max diff ${maxDiff(want, got)}`);
    assert.deepEqual(classes, ['bad', 'good']);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(config['architectures'], ['BertForSequenceClassification']);
    assert.deepEqual(config['id2label'], { 0: 'bad', 1: 'good' });
    assert.deepEqual(config['label2id'], { bad: 0, good: 1 });
    assert.equal(config['num_labels'], 2);
    assert.equal(config['hidden_size'], 16);
    const file = await readSafetensorsFile(path.join(out, 'model.safetensors'));
    assert.equal(file.metadata['format'], 'pt');
    assert.deepEqual(tensor(file.tensors, 'classifier.weight').shape, [2, 16]);
    assert.deepEqual(tensor(file.tensors, 'bert.encoder.layer.1.intermediate.dense.weight').shape, [32, 16]);
    assert.deepEqual(tensor(file.tensors, 'bert.embeddings.LayerNorm.weight').shape, [16]);
    assert.ok(file.tensors.has('bert.pooler.dense.bias') && file.tensors.has('bert.embeddings.token_type_embeddings.weight'));
    assert.equal(file.tensors.size, 5 + 2 * 16 + 2 + 2, 'embeddings (3 tables + LayerNorm), 16 per layer, pooler, classifier');
    // The export is a Hugging Face folder: it can start another run (its classifier is ignored).
    const again = await loadHfTextBase(out, out);
    assert.match(again.notes?.join('\n') ?? '', /ignored 2 tensor\(s\).*classifier\.bias, classifier\.weight/);
    again.base.dispose();
  } finally {
    disposeRun(run.loaded);
  }
});

for (const arch of ['distilbert', 'roberta'] as HfArchitecture[]) {
  test(`${arch} lora run: hf export (merged) loads back; the PEFT adapter applied by hand gives the merged weights`, async () => {
    const run = await trainedRun(arch, 'lora');
    try {
      const hfDir = path.join(run.root, 'hf');
      const peftDir = path.join(run.root, 'peft');
      assert.deepEqual((await exportHfModel(sourceOf(run), hfDir)).slice(0, 2), ['model.safetensors', 'config.json']);
      const { want, got } = await predictBoth(run, hfDir);
      assert.ok(maxDiff(want, got) < 1e-5, `merged export vs LoRA run: max diff ${maxDiff(want, got)}`);
      await exportPeftAdapter(sourceOf(run), peftDir);
      const adapterConfig = JSON.parse(fs.readFileSync(path.join(peftDir, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
      const prefix = arch === 'distilbert' ? 'distilbert.transformer.layer' : 'roberta.encoder.layer';
      const [q, v] = arch === 'distilbert' ? ['attention.q_lin', 'attention.v_lin'] : ['attention.self.query', 'attention.self.value'];
      assert.equal(adapterConfig['peft_type'], 'LORA');
      assert.equal(adapterConfig['task_type'], 'SEQ_CLS');
      assert.equal(adapterConfig['r'], 2);
      assert.equal(adapterConfig['lora_alpha'], 6);
      assert.deepEqual(adapterConfig['target_modules'], arch === 'distilbert' ? ['q_lin', 'v_lin'] : ['query', 'value']);
      assert.deepEqual(adapterConfig['modules_to_save'], arch === 'distilbert' ? ['pre_classifier', 'classifier'] : ['classifier']);
      assert.equal(adapterConfig['base_model_name_or_path'], path.join(run.root, `${arch}-model`));
      const adapter = (await readSafetensorsFile(path.join(peftDir, 'adapter_model.safetensors'))).tensors;
      const merged = (await readSafetensorsFile(path.join(hfDir, 'model.safetensors'))).tensors;
      const loraNames = [...adapter.keys()].filter((n) => n.includes('.lora_'));
      assert.equal(loraNames.length, 2 * 2 * 2, 'A and B for q and v of 2 layers');
      const scale = 6 / 2;
      for (let layer = 0; layer < 2; layer++) {
        for (const module of [q, v]) {
          const name = `${prefix}.${layer}.${module}`;
          const a = tensor(adapter, `base_model.model.${name}.lora_A.weight`);
          const b = tensor(adapter, `base_model.model.${name}.lora_B.weight`);
          assert.deepEqual(a.shape, [2, 16]);
          assert.deepEqual(b.shape, [16, 2]);
          const w0 = run.ckpt.tensors.get(`${name.slice(name.indexOf('.') + 1)}.weight`);
          assert.ok(w0 !== undefined);
          const w = tensor(merged, `${name}.weight`);
          // W = W0 + (alpha/r) · B · A, all in PyTorch's [out, in] layout.
          let worst = 0;
          let moved = 0;
          for (let o = 0; o < 16; o++) {
            for (let i = 0; i < 16; i++) {
              let delta = 0;
              for (let r = 0; r < 2; r++) delta += b.data[o * 2 + r] * a.data[r * 16 + i];
              worst = Math.max(worst, Math.abs(w0.data[o * 16 + i] + scale * delta - w.data[o * 16 + i]));
              moved = Math.max(moved, Math.abs(scale * delta));
            }
          }
          assert.ok(worst < 1e-5, `${name}: hand-applied adapter vs merged export, max diff ${worst}`);
          assert.ok(moved > 1e-4, `${name}: the LoRA update is not zero (${moved})`);
        }
      }
      // The head travels with the adapter (modules_to_save), with the merged export's values.
      const headNames = arch === 'distilbert' ? ['pre_classifier.weight', 'classifier.bias'] : ['classifier.dense.weight', 'classifier.out_proj.bias'];
      for (const n of headNames) assert.deepEqual(Array.from(tensor(adapter, `base_model.model.${n}`).data), Array.from(tensor(merged, n).data));
      // Frozen weights are exactly the base checkpoint's.
      const keyName = arch === 'distilbert' ? 'distilbert.transformer.layer.0.attention.k_lin.weight' : 'roberta.encoder.layer.0.attention.self.key.weight';
      const keyBase = run.ckpt.tensors.get(keyName.slice(keyName.indexOf('.') + 1));
      assert.deepEqual(Array.from(tensor(merged, keyName).data), Array.from(keyBase?.data ?? []));
    } finally {
      disposeRun(run.loaded);
    }
  });
}

test('adapter runs are refused for hf and peft with a hint to use tfjs; peft needs LoRA', async () => {
  const run = await trainedRun('bert', 'adapter', { epochs: 1, adapter: { size: 4, activation: 'relu', after: [] } });
  try {
    for (const exporter of [exportHfModel, exportPeftAdapter]) {
      await assert.rejects(exporter(sourceOf(run), path.join(run.root, 'nope')), (err: Error) => {
        assert.ok(err instanceof UserError);
        assert.match(err.message, /bottleneck adapter/);
        assert.match(err.hint ?? '', /--format tfjs/);
        return true;
      });
    }
    assert.ok(!fs.existsSync(path.join(run.root, 'nope', 'model.safetensors')));
  } finally {
    disposeRun(run.loaded);
  }
  const features = await trainedRun('bert', 'features', { epochs: 1 });
  try {
    await assert.rejects(exportPeftAdapter(sourceOf(features), path.join(features.root, 'p')), /no LoRA layers/);
  } finally {
    disposeRun(features.loaded);
  }
});

test('PEFT target_modules: short names only when they pick exactly the LoRA layers', () => {
  const dense = ['encoder.layer.0.attention.self.query', 'encoder.layer.1.attention.self.query', 'encoder.layer.0.output.dense', 'pooler.dense', 'classifier'];
  assert.deepEqual(peftTargetModules(['encoder.layer.0.attention.self.query', 'encoder.layer.1.attention.self.query'], dense, 'bert.'), ['query']);
  assert.deepEqual(peftTargetModules(['encoder.layer.1.attention.self.query'], dense, 'bert.'), ['bert.encoder.layer.1.attention.self.query']);
  assert.deepEqual(peftTargetModules(['encoder.layer.0.output.dense'], dense, 'bert.'), ['bert.encoder.layer.0.output.dense']);
});

test('a regression head exports in the user\'s units (target standardisation folded into the last layer)', async () => {
  const root = tempDir();
  const ckpt = makeTinyCheckpoint({ architecture: 'roberta', seed: 8 });
  const modelDir = writeTinyCheckpoint(path.join(root, 'roberta'), ckpt);
  const bundle = await loadHfTextBase(modelDir, modelDir);
  const head = bundle.buildHead?.({ task: 'regression' }, 3);
  assert.ok(head !== undefined);
  const codec = { task: 'tabular-regression' as const, classes: [], scaling: { mean: 12.5, std: 4 } };
  const out = path.join(root, 'hf');
  await exportHfModel({ base: bundle.base, head, modelDir, codec, model: modelDir }, out);
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(config['problem_type'], 'regression');
  assert.equal(config['num_labels'], 1);
  const x = tf.tensor2d([[0, 7, 8, 9, 2, 1], [0, 10, 2, 1, 1, 1]], [2, 6], 'float32');
  const standardised = (composeModel(bundle.base, head).predict(x) as tf.Tensor).dataSync();
  const back = await loadHfSequenceClassifier(out);
  const got = (composeModel(back.base, back.head).predict(x) as tf.Tensor).dataSync();
  assert.ok(maxDiff(got, Array.from(standardised, (v) => 12.5 + 4 * v)) < 1e-4);
  assert.deepEqual(back.classes, []);
});
