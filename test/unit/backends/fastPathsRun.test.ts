import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { tempDir, writeTabularCsv } from '../helpers/fixtures';
import { createAndRun } from '../helpers/runHelpers';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { WASM_MATMUL_FAST_PATH } from '../../../src/engine/backends/fastPaths/wasmMatMulOverride';
import { FUSED_GRU_FAST_PATH } from '../../../src/engine/backends/fastPaths/fusedBidirectionalGru';
import { matMulRouteCounts } from '../../../src/engine/backends/fastPaths/transposedMatMulKernel';
import { createPrinter } from '../../../src/cli/progressPrinter';

const rerouted = (): number => matMulRouteCounts.single + matMulRouteCounts.fold + matMulRouteCounts.split + matMulRouteCounts.gemm;

const CHOICES = { technique: 'full', model: 'mlp', backend: 'wasm', epochs: 2, batchSize: 16, split: { validation: 0.2, test: 0.2 } } as const;

async function runWith(fastPaths: string | undefined): Promise<{ fastPaths: string[] | undefined; metrics: Array<[string, string, number, number]> }> {
  const saved = process.env[FAST_PATHS_ENV_VAR];
  if (fastPaths === undefined) delete process.env[FAST_PATHS_ENV_VAR];
  else process.env[FAST_PATHS_ENV_VAR] = fastPaths;
  try {
    const dir = tempDir();
    const { store, runId } = await createAndRun(path.join(dir, 'runs'), writeTabularCsv(dir), CHOICES);
    const run = await store.readRun(runId);
    assert.equal(run.backend?.name, 'wasm');
    const metrics = (await store.readMetrics(runId)).map((e): [string, string, number, number] => [e.split, e.name, e.step, e.value]);
    return { fastPaths: run.backend?.fastPaths, metrics };
  } finally {
    if (saved === undefined) delete process.env[FAST_PATHS_ENV_VAR];
    else process.env[FAST_PATHS_ENV_VAR] = saved;
  }
}

test('a wasm run records its fast paths; FINETUNE_FAST_PATHS=0 changes speed, not results', async () => {
  const before = rerouted();
  const on = await runWith(undefined);
  const during = rerouted();
  const off = await runWith('0');
  assert.ok(during > before, 'the run re-routed matMuls');
  assert.equal(rerouted(), during, 'switched off, nothing is re-routed');
  assert.deepEqual(on.fastPaths?.slice(0, 4), [WASM_MATMUL_FAST_PATH, 'wasm-typed-gather', 'wasm-broadcast-equal', FUSED_GRU_FAST_PATH]);
  assert.ok(on.fastPaths?.includes('frozen-dense-input-grad-only'), 'the transformer paths are recorded too');
  assert.deepEqual(off.fastPaths, []);
  assert.equal(on.metrics.length, off.metrics.length);
  on.metrics.forEach(([split, name, step, value], i) => {
    const [s2, n2, st2, v2] = off.metrics[i];
    assert.deepEqual([split, name, step], [s2, n2, st2]);
    assert.ok(Math.abs(value - v2) <= 1e-4 * Math.max(1, Math.abs(v2)), `${split}/${name}@${step}: ${value} vs ${v2}`);
  });
});

test('the CLI prints the fast paths of run/started', () => {
  const printed = (fastPaths: string[] | undefined): string => {
    let out = '';
    const printer = createPrinter('plain', (text) => void (out += text), false);
    const backend = { name: 'wasm' as const, skipped: [], ...(fastPaths === undefined ? {} : { fastPaths }) };
    printer.handle({ type: 'run/started', payload: { runId: 'r1', backend, totalParams: 10, trainableParams: 5 } });
    return out;
  };
  assert.match(printed([WASM_MATMUL_FAST_PATH]), /^fast paths: wasm-transposed-matmul$/m);
  assert.match(printed([]), /^fast paths: none$/m);
  assert.doesNotMatch(printed(undefined), /fast paths/, 'runs recorded before fast paths existed print nothing');
});
