// The WebGPU path end to end: every technique trains on the 'webgpu' backend and gives the same
// losses, weights' effect and evaluation as on 'cpu', within float tolerance. Without a GPU it
// runs on a software adapter (Mesa's llvmpipe through Dawn's OpenGL ES compatibility mode), which
// the test forces. On CI (CI=true) a missing adapter fails the test: CI must exercise this path;
// elsewhere it is skipped with the reason.

import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { TechniqueName, TrainConfig } from '../../../src/protocol/configTypes';
import { openedWebgpuAdapter, webgpuCandidate } from '../../../src/engine/backends/webgpuCandidate';
import { explainGpuFailure, takeGpuFailure } from '../../../src/engine/backends/webgpu/gpuErrors';
import { WEBGPU_ALLOW_SOFTWARE_ENV } from '../../../src/engine/backends/webgpu/webgpuSettings';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';
import { tempDir, writeTabularCsv, writeTextCsv } from '../helpers/fixtures';
import { createAndRun } from '../helpers/runHelpers';

process.env[WEBGPU_ALLOW_SOFTWARE_ENV] = '1';

async function webgpuProblem(): Promise<string | null> {
  const reason = await webgpuCandidate().prepare();
  if (reason !== null) return reason;
  return (await tf.setBackend('webgpu')) ? null : 'the webgpu backend failed to initialize';
}

let checked: Promise<string | null> | null = null;

/** True when the test can go on; otherwise skips it (fails it on CI, which must cover this path). */
async function haveWebgpu(t: TestContext): Promise<boolean> {
  checked ??= webgpuProblem().finally(async () => {
    await tf.setBackend('cpu');
    registerSegmentSumKernels();
  });
  const problem = await checked;
  if (problem === null) return true;
  if (process.env.CI === 'true') assert.fail(`no WebGPU adapter on CI: ${problem}. scripts/test-deps.sh installs Mesa's EGL for the software adapter.`);
  t.skip(`no WebGPU adapter here: ${problem}`);
  return false;
}

interface Outcome {
  losses: number[];
  evaluation: { accuracy: number; loss: number };
  backend: string | undefined;
  device: string | undefined;
}

async function train(dataset: string, backend: 'cpu' | 'webgpu', choices: Partial<TrainConfig>): Promise<Outcome> {
  const dir = tempDir();
  const { store, runId, result } = await createAndRun(path.join(dir, 'runs'), dataset, { ...choices, backend });
  assert.equal(result.status, 'completed', `${backend} ${choices.technique}: ${JSON.stringify(result)}`);
  const run = await store.readRun(runId);
  const metrics = await store.readMetrics(runId);
  const evaluation = await store.readEvaluation(runId);
  assert.ok(evaluation !== null && 'accuracy' in evaluation);
  return {
    losses: metrics.filter((m) => m.split === 'train' && m.name === 'loss').map((m) => m.value),
    evaluation: { accuracy: evaluation.accuracy, loss: evaluation.loss },
    backend: run.backend?.name,
    device: run.backend?.device,
  };
}

function assertClose(what: string, got: number, want: number, tolerance: number): void {
  assert.ok(Math.abs(got - want) <= tolerance * Math.max(1, Math.abs(want)), `${what}: webgpu ${got} vs cpu ${want}`);
}

/**
 * Step 1's loss checks the forward pass and step 2's the first update, tightly. Later steps drift
 * more: Adam divides by √v, so a gradient that is ~0 (LoRA's A while B is still ~0) turns float
 * rounding differences into whole learning-rate-sized steps.
 */
async function compareBackends(dataset: string, choices: Partial<TrainConfig>, later = 2e-3): Promise<Outcome> {
  const cpu = await train(dataset, 'cpu', choices);
  const gpu = await train(dataset, 'webgpu', choices);
  assert.equal(gpu.backend, 'webgpu');
  assert.ok(gpu.device !== undefined && gpu.device.length > 0, 'the run records the adapter it used');
  assert.equal(gpu.losses.length, cpu.losses.length);
  // Same data order and initial weights: the curves match step by step, within float32 drift.
  if (process.env.FINETUNE_TEST_VERBOSE === "1") console.log(JSON.stringify({ cpu: cpu.losses, gpu: gpu.losses }));
  gpu.losses.forEach((l, i) => assertClose(`${choices.technique} step ${i + 1} loss`, l, cpu.losses[i], i < 2 ? 1e-4 : later));
  assertClose(`${choices.technique} test loss`, gpu.evaluation.loss, cpu.evaluation.loss, later);
  if (later <= 2e-3) assert.equal(gpu.evaluation.accuracy, cpu.evaluation.accuracy);
  return gpu;
}

const TABULAR = { epochs: 3, batchSize: 16, learningRate: 0.01, split: { validation: 0.2, test: 0.2 } } as const;

for (const technique of ['full', 'features', 'adapter', 'lora'] as TechniqueName[]) {
  test(`tabular MLP, ${technique}: webgpu trains like cpu`, async (t) => {
    if (!(await haveWebgpu(t))) return;
    const dir = tempDir();
    const gpu = await compareBackends(writeTabularCsv(dir, 160), { ...TABULAR, technique });
    assert.ok(gpu.losses[gpu.losses.length - 1] < gpu.losses[0], 'the loss goes down on webgpu');
  });
}

test('nn-sentiment (embedding, bidirectional GRU), lora: webgpu trains like cpu', async (t) => {
  if (!(await haveWebgpu(t))) return;
  const dir = tempDir();
  await compareBackends(writeTextCsv(dir, 40), { technique: 'lora', epochs: 1, batchSize: 8, learningRate: 0.01, split: { validation: 0.2, test: 0.2 } }, 2e-2);
});

test('a buffer beyond the device limit is caught as a GPU memory failure with advice', async (t) => {
  if (!(await haveWebgpu(t))) return;
  const facts = openedWebgpuAdapter();
  assert.ok(facts !== null);
  takeGpuFailure();
  assert.ok(await tf.setBackend('webgpu'));
  try {
    // One float32 more than the largest buffer the device accepts: createBuffer fails, asynchronously.
    const huge = tf.fill([Math.floor(facts.maxBufferSize / 4) + 1], 1);
    huge.dispose();
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await tf.setBackend('cpu');
  }
  const failure = takeGpuFailure();
  assert.ok(failure !== null, 'the device reported the failure');
  assert.equal(failure.kind, 'memory', failure.message);
  const text = explainGpuFailure(failure, 64, 'full');
  assert.match(text, /ran out of memory/);
  assert.match(text, /smaller batch size \(now 64\)/);
  assert.match(text, /fewer trainable weights/);
  assert.match(text, /Resume continues from the last one/);
  assert.equal(takeGpuFailure(), null, 'taking a failure clears it');
});
