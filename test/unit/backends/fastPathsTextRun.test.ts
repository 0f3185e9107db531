// A whole nn-sentiment LoRA run on wasm with the CPU fast paths on (default) and off
// (FINETUNE_FAST_PATHS=0): the run records the fused GRU and the wasm kernels it used, the fused
// op runs only when on, and the metrics agree as closely as the stock path's own on cpu and wasm.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { tempDir, writeTextCsv } from '../helpers/fixtures';
import { createAndRun } from '../helpers/runHelpers';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { FUSED_GRU_FAST_PATH, fusedGruCounts } from '../../../src/engine/backends/fastPaths/fusedBidirectionalGru';

const CHOICES = { technique: 'lora', backend: 'wasm', epochs: 1, batchSize: 16, split: { validation: 0.2, test: 0.2 } } as const;

async function runWith(fastPaths: string | undefined, backend: 'wasm' | 'cpu' = 'wasm'): Promise<{ fastPaths: string[] | undefined; metrics: Array<[string, string, number, number]> }> {
  const saved = process.env[FAST_PATHS_ENV_VAR];
  if (fastPaths === undefined) delete process.env[FAST_PATHS_ENV_VAR];
  else process.env[FAST_PATHS_ENV_VAR] = fastPaths;
  try {
    const dir = tempDir();
    const { store, runId } = await createAndRun(path.join(dir, 'runs'), writeTextCsv(dir, 60), { ...CHOICES, backend });
    const run = await store.readRun(runId);
    assert.equal(run.status, 'completed');
    const metrics = (await store.readMetrics(runId)).map((e): [string, string, number, number] => [e.split, e.name, e.step, e.value]);
    return { fastPaths: run.backend?.fastPaths, metrics };
  } finally {
    if (saved === undefined) delete process.env[FAST_PATHS_ENV_VAR];
    else process.env[FAST_PATHS_ENV_VAR] = saved;
  }
}

test('an nn-sentiment LoRA run: fast paths on and off record what they used; metrics differ no more than tfjs cpu and wasm do', async () => {
  const before = fusedGruCounts.forward;
  const on = await runWith(undefined);
  const during = fusedGruCounts.forward;
  const off = await runWith('0');
  const offCpu = await runWith('0', 'cpu');
  assert.ok(during > before, 'on: the fused GRU ran');
  assert.equal(fusedGruCounts.forward, during, 'off: it did not (on wasm nor on cpu)');
  assert.ok(on.fastPaths?.includes(FUSED_GRU_FAST_PATH) && on.fastPaths.includes('wasm-typed-gather') && on.fastPaths.includes('wasm-broadcast-equal'), String(on.fastPaths));
  assert.deepEqual(off.fastPaths, []);
  assert.equal(on.metrics.length, off.metrics.length);
  assert.equal(offCpu.metrics.length, off.metrics.length);
  assert.ok(on.metrics.some(([split, name]) => split === 'validation' && name === 'loss'));
  // Float rounding differs between any two implementations (here the stock tf ops on cpu and on
  // wasm too), and Adam's first steps move every weight by about the learning rate whatever the
  // size of its gradient, so rounding-level gradient differences show in the loss at ~1e-4.
  // The fast paths must stay within twice the stock path's own cpu/wasm spread (and 1e-4).
  const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));
  const spread = Math.max(...offCpu.metrics.map(([, , , v], i) => relative(v, off.metrics[i][3])));
  const tolerance = Math.max(1e-4, 2 * spread);
  assert.ok(tolerance < 2e-3, `the stock paths themselves differ by ${spread}`);
  on.metrics.forEach(([split, name, step, value], i) => {
    const [s2, n2, st2, v2] = off.metrics[i];
    assert.deepEqual([split, name, step], [s2, n2, st2]);
    assert.ok(relative(value, v2) <= tolerance, `${split}/${name}@${step}: ${value} vs ${v2} (stock cpu/wasm spread ${spread})`);
  });
});
