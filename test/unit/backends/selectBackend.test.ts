import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { BackendCandidate } from '../../../src/engine/backends/backendCandidate';
import { cpuCandidate } from '../../../src/engine/backends/jsCandidates';
import { resolvePreferred, selectBackend, selectFrom, BACKEND_ENV_VAR } from '../../../src/engine/backends/selectBackend';
import { runSmokeTest } from '../../../src/engine/backends/smokeTest';
import { tfjsVersion } from '../../../src/engine/backends/tfjsVersion';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const hasNodeGpu = installed('@tensorflow/tfjs-node-gpu');
const hasNode = installed('@tensorflow/tfjs-node');

function withEnv<T>(value: string | undefined, run: () => Promise<T>): Promise<T> {
  const saved = process.env[BACKEND_ENV_VAR];
  if (value === undefined) delete process.env[BACKEND_ENV_VAR];
  else process.env[BACKEND_ENV_VAR] = value;
  return run().finally(() => {
    if (saved === undefined) delete process.env[BACKEND_ENV_VAR];
    else process.env[BACKEND_ENV_VAR] = saved;
  });
}

test('tfjsVersion reports the TensorFlow.js version', () => {
  assert.equal(tfjsVersion(), '4.22.0');
});

test('the smoke test passes on cpu and wasm, before and after other work', async () => {
  for (const name of ['cpu', 'wasm', 'cpu']) {
    registerSegmentSumKernels();
    assert.ok(await tf.setBackend(name));
    const before = tf.memory().numTensors;
    assert.equal(await runSmokeTest(), null, name);
    assert.equal(tf.memory().numTensors, before, `smoke test leaks no tensors on ${name}`);
  }
});

test('the smoke test catches the missing wasm gather gradient', async () => {
  assert.ok(await tf.setBackend('wasm'));
  tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
  try {
    const reason = await runSmokeTest();
    assert.match(reason ?? '', /UnsortedSegmentSum/);
  } finally {
    registerSegmentSumKernels();
  }
  assert.equal(await runSmokeTest(), null);
});

test('default order: optional packages missing are skipped with reasons, then wasm', { skip: hasNodeGpu || hasNode }, async () => {
  const lines: string[] = [];
  const choice = await withEnv(undefined, () => selectBackend(null, (l) => lines.push(l)));
  assert.equal(choice.name, 'wasm');
  assert.deepEqual(choice.skipped.map((s) => s.name), ['tensorflow-gpu', 'webgpu', 'tensorflow']);
  assert.equal(choice.skipped[0].reason, '@tensorflow/tfjs-node-gpu is not installed (optional; see README)');
  // No GPU here: Dawn finds no adapter, or only a software one (refused unless forced).
  assert.match(choice.skipped[1].reason, /^(no WebGPU adapter: |only a software WebGPU adapter was found)/);
  assert.equal(choice.skipped[2].reason, '@tensorflow/tfjs-node is not installed (optional; see README)');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(lines.length, 4);
  assert.match(lines[3], /'wasm' passed its smoke test/);
});

test('a preferred backend is tried first', async () => {
  const choice = await withEnv(undefined, () => selectBackend('cpu', () => undefined));
  assert.deepEqual(choice, { name: 'cpu', skipped: [] });
  assert.equal(tf.getBackend(), 'cpu');
});

test('a preferred backend that fails is reported, then the order continues without retrying it', { skip: hasNodeGpu || hasNode }, async () => {
  const lines: string[] = [];
  const choice = await withEnv(undefined, () => selectBackend('tensorflow', (l) => lines.push(l)));
  assert.equal(choice.name, 'wasm');
  assert.deepEqual(
    choice.skipped.map((s) => s.name),
    ['tensorflow', 'tensorflow-gpu', 'webgpu'],
  );
  assert.match(choice.skipped[0].reason, /^requested, but @tensorflow\/tfjs-node is not installed/);
  assert.match(lines[0], /Requested backend 'tensorflow' cannot be used/);
});

test('FINETUNE_BACKEND forces a backend over the configuration; invalid values are ignored', async () => {
  const lines: string[] = [];
  const log = (l: string): void => void lines.push(l);
  assert.equal(resolvePreferred(null, undefined, log), null);
  assert.equal(resolvePreferred('wasm', '', log), 'wasm');
  assert.equal(resolvePreferred('wasm', 'auto', log), 'wasm');
  assert.equal(resolvePreferred('wasm', ' cpu ', log), 'cpu');
  assert.equal(resolvePreferred('cpu', 'gpu-please', log), 'cpu');
  assert.equal(lines.length, 2);
  assert.match(lines[1], /Ignoring FINETUNE_BACKEND=gpu-please/);
  const choice = await withEnv('cpu', () => selectBackend('wasm', () => undefined));
  assert.deepEqual(choice, { name: 'cpu', skipped: [] });
});

test('failures at each stage are recorded in order and the next candidate is used', async () => {
  tf.registerBackend('finetune-test-broken', () => {
    throw new Error('cannot start');
  });
  // A backend with no kernels registered under its name: the smoke test fails.
  tf.registerBackend('finetune-test-nokernels', () => new tf.MathBackendCPU());
  const candidates: BackendCandidate[] = [
    { name: 'tensorflow-gpu', tfjsName: 'cpu', prepare: async () => { throw new Error('boom\nsecond line'); } },
    { name: 'webgpu', tfjsName: 'finetune-test-broken', prepare: async () => null },
    { name: 'tensorflow', tfjsName: 'cpu', prepare: async () => null, check: () => 'no GPU device' },
    { name: 'wasm', tfjsName: 'finetune-test-nokernels', prepare: async () => null },
    cpuCandidate(),
  ];
  const lines: string[] = [];
  const choice = await selectFrom(candidates, null, (l) => lines.push(l));
  assert.equal(choice.name, 'cpu');
  assert.deepEqual(choice.skipped.slice(0, 3), [
    { name: 'tensorflow-gpu', reason: 'boom' },
    { name: 'webgpu', reason: "the 'finetune-test-broken' backend failed to initialize" },
    { name: 'tensorflow', reason: 'no GPU device' },
  ]);
  assert.equal(choice.skipped[3].name, 'wasm');
  assert.match(choice.skipped[3].reason, /^smoke test failed: .*not registered/);
  assert.equal(lines.length, 5);
  tf.removeBackend('finetune-test-broken');
  tf.removeBackend('finetune-test-nokernels');
});

test('when nothing works, selection throws with every reason', async () => {
  const candidates: BackendCandidate[] = [
    { name: 'wasm', tfjsName: 'wasm', prepare: async () => 'not today' },
    { name: 'cpu', tfjsName: 'cpu', prepare: async () => 'nor today' },
  ];
  await assert.rejects(selectFrom(candidates, 'cpu', () => undefined), /cpu: requested, but nor today; wasm: not today/);
});

test('each backend made unavailable in turn: the next one in order is used, with the reason recorded', async () => {
  const order = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
  for (let down = 0; down < order.length - 1; down++) {
    // Every backend before `down` is unavailable too; `down` itself fails; the next one works.
    const candidates: BackendCandidate[] = order.map((name, i) => ({
      name,
      tfjsName: 'cpu',
      prepare: async () => (i <= down ? `${name} unavailable` : null),
    }));
    const choice = await selectFrom(candidates, null, () => undefined);
    assert.equal(choice.name, order[down + 1]);
    assert.deepEqual(choice.skipped, order.slice(0, down + 1).map((name) => ({ name, reason: `${name} unavailable` })));
  }
});
