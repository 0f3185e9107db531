// The CLI's eval and predict install the CPU fast paths the way training does (the fused GRU and
// the wasm kernels), and FINETUNE_FAST_PATHS=0 turns them off there too: an nn-sentiment LoRA run
// on wasm, evaluated with the fast paths off and on, gives the same predictions within 1e-4.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir, writeTextCsv } from '../helpers/fixtures';
import { createAndRun } from '../helpers/runHelpers';
import { parseCli } from '../../../src/cli/cliArgs';
import type { CliContext } from '../../../src/cli/cliContext';
import { evalCommand } from '../../../src/cli/commands/evalCommand';
import { predictCommand } from '../../../src/cli/commands/predictCommand';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { FUSED_GRU_FAST_PATH, fusedGruCounts } from '../../../src/engine/backends/fastPaths/fusedBidirectionalGru';
import { WASM_MATMUL_FAST_PATH } from '../../../src/engine/backends/fastPaths/wasmMatMulOverride';

interface Captured {
  code: number;
  out: string;
  err: string;
}

async function runCommand(command: (ctx: CliContext) => Promise<number>, argv: string[], fastPaths: string | undefined): Promise<Captured> {
  const saved = process.env[FAST_PATHS_ENV_VAR];
  if (fastPaths === undefined) delete process.env[FAST_PATHS_ENV_VAR];
  else process.env[FAST_PATHS_ENV_VAR] = fastPaths;
  let out = '';
  let err = '';
  try {
    const code = await command({ cli: parseCli(argv), out: (t) => void (out += t), err: (t) => void (err += t), isTty: false });
    return { code, out, err };
  } finally {
    if (saved === undefined) delete process.env[FAST_PATHS_ENV_VAR];
    else process.env[FAST_PATHS_ENV_VAR] = saved;
  }
}

function probabilities(file: string): number[][] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => Object.values((JSON.parse(line) as { probabilities: Record<string, number> }).probabilities));
}

test('eval and predict: fast paths installed as in training; off and on give the same outputs within 1e-4', async (t) => {
  const dir = tempDir();
  const runsDir = path.join(dir, 'runs');
  const { store, runId } = await createAndRun(runsDir, writeTextCsv(dir, 60), {
    technique: 'lora',
    backend: 'wasm',
    epochs: 1,
    batchSize: 16,
    split: { validation: 0.2, test: 0.2 },
  });
  const predictionsFile = store.paths(runId).predictions;
  const evalArgs = ['eval', runId, '--json', '--verbose', '--runs-dir', runsDir];

  const before = fusedGruCounts.forward;
  const off = await runCommand(evalCommand, evalArgs, '0');
  assert.equal(off.code, 0, off.err);
  const offProbabilities = probabilities(predictionsFile);
  assert.equal(fusedGruCounts.forward, before, 'off: the fused GRU did not run');
  assert.match(off.err, /CPU fast paths off/);

  const on = await runCommand(evalCommand, evalArgs, undefined);
  assert.equal(on.code, 0, on.err);
  const onProbabilities = probabilities(predictionsFile);
  assert.ok(fusedGruCounts.forward > before, 'on: the fused GRU ran');
  assert.match(on.err, new RegExp(`fast paths: .*${WASM_MATMUL_FAST_PATH}.*${FUSED_GRU_FAST_PATH}`));

  assert.equal(onProbabilities.length, offProbabilities.length);
  assert.ok(onProbabilities.length >= 10);
  let largest = 0;
  onProbabilities.forEach((row, i) => row.forEach((p, k) => (largest = Math.max(largest, Math.abs(p - offProbabilities[i][k])))));
  t.diagnostic(`largest probability difference off/on: ${largest}`);
  assert.ok(largest <= 1e-4, `largest probability difference ${largest}`);
  const offLoss = (JSON.parse(off.out) as { loss: number }).loss;
  const onLoss = (JSON.parse(on.out) as { loss: number }).loss;
  assert.ok(Math.abs(onLoss - offLoss) <= 1e-4 * Math.max(1, Math.abs(offLoss)), `loss ${onLoss} vs ${offLoss}`);

  const predictArgs = ['predict', runId, 'a great product, really wonderful', '--json', '--runs-dir', runsDir];
  const countBefore = fusedGruCounts.forward;
  const predictOff = await runCommand(predictCommand, predictArgs, '0');
  assert.equal(fusedGruCounts.forward, countBefore);
  const predictOn = await runCommand(predictCommand, predictArgs, undefined);
  assert.ok(fusedGruCounts.forward > countBefore);
  const pOff = Object.values((JSON.parse(predictOff.out) as { probabilities: Record<string, number> }).probabilities);
  const pOn = Object.values((JSON.parse(predictOn.out) as { probabilities: Record<string, number> }).probabilities);
  pOn.forEach((p, k) => assert.ok(Math.abs(p - pOff[k]) <= 1e-4 + 1e-9, `predict: ${p} vs ${pOff[k]}`));
});
