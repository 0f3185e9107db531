import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { adjustForModel, webgpuNotWorthIt } from '../../../src/engine/backends/gpuPolicy';
import { BACKEND_ENV_VAR } from '../../../src/engine/backends/selectBackend';
import type { BackendChoice } from '../../../src/protocol/runTypes';

const WEBGPU: BackendChoice = { name: 'webgpu', skipped: [{ name: 'tensorflow-gpu', reason: 'not installed' }], device: 'nvidia: h100' };

test('automatic WebGPU is kept for models that gain from it, and for forced choices', async () => {
  delete process.env[BACKEND_ENV_VAR];
  assert.equal(webgpuNotWorthIt('/models/bert-mini'), null);
  assert.equal(await adjustForModel(WEBGPU, null, '/models/bert-mini', () => undefined), WEBGPU);
  assert.equal(await adjustForModel(WEBGPU, 'webgpu', 'nn-sentiment', () => undefined), WEBGPU, 'forced in the configuration');
  process.env[BACKEND_ENV_VAR] = 'webgpu';
  try {
    assert.equal(await adjustForModel(WEBGPU, null, 'nn-sentiment', () => undefined), WEBGPU, 'forced by FINETUNE_BACKEND');
  } finally {
    delete process.env[BACKEND_ENV_VAR];
  }
  const wasm: BackendChoice = { name: 'wasm', skipped: [] };
  assert.equal(await adjustForModel(wasm, null, 'nn-sentiment', () => undefined), wasm);
});

test('automatic WebGPU gives way to the CPU for nn-sentiment and the tabular MLP, with the reason recorded', async () => {
  delete process.env[BACKEND_ENV_VAR];
  for (const model of ['nn-sentiment', 'mlp']) {
    const lines: string[] = [];
    const choice = await adjustForModel(WEBGPU, null, model, (l) => lines.push(l));
    assert.equal(choice.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(choice.skipped.map((s) => s.name), ['tensorflow-gpu', 'webgpu']);
    assert.match(choice.skipped[1].reason, /^usable on nvidia: h100, but not chosen for/);
    assert.match(choice.skipped[1].reason, /force it with backend webgpu/);
    assert.match(lines[0], /trains faster on the CPU/);
  }
});

test('small Hugging Face encoders stay on the CPU under auto; large ones may use WebGPU', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finetune-worth-'));
  try {
    const small = path.join(dir, 'small');
    const large = path.join(dir, 'large');
    fs.mkdirSync(small);
    fs.mkdirSync(large);
    fs.writeFileSync(path.join(small, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 256 }));
    fs.writeFileSync(path.join(large, 'config.json'), JSON.stringify({ model_type: 'distilbert', dim: 768 }));
    assert.match(webgpuNotWorthIt(small) ?? '', /small Hugging Face encoders/);
    assert.equal(webgpuNotWorthIt(large), null);
    assert.match(webgpuNotWorthIt('prajjwal1/bert-mini') ?? '', /small Hugging Face encoders/);
    assert.equal(webgpuNotWorthIt('roberta-base'), null);
    assert.equal(webgpuNotWorthIt('mobilenet_v2'), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
