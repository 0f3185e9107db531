// Whole training runs (executeRun: trainer, validation, checkpoints, test evaluation) of a tiny
// BERT with dropout 0.1 on short reviews, without and with the model fast paths
// (installModelFastPaths, packed tokens included): every training-step loss and the test
// evaluation agree within relative 1e-4, so turning them on changes speed, not results.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TechniqueName } from '../../../src/protocol/configTypes';
import { disableModelFastPaths, installModelFastPaths } from '../../../src/engine/backends/fastPaths/modelFastPaths';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { packingCounts } from '../../../src/engine/models/hf/hfPacking';
import { tempDir, writeTextCsv } from '../helpers/fixtures';
import { createAndRun } from '../helpers/runHelpers';
import { makeTinyCheckpoint, writeTinyCheckpoint } from './tinyHfCheckpoint';

after(() => disableModelFastPaths());

async function run(root: string, csv: string, model: string, backend: 'cpu' | 'wasm', technique: TechniqueName, on: boolean): Promise<{ losses: number[]; accuracy: number; loss: number }> {
  const names = installModelFastPaths(backend, () => undefined, on ? {} : { [FAST_PATHS_ENV_VAR]: '0' });
  assert.equal(names.length > 0, on);
  const { store, runId, result } = await createAndRun(path.join(root, `runs-${backend}-${on ? 'on' : 'off'}`), csv, {
    model, technique, backend, epochs: 2, batchSize: 8, maxSequenceLength: 24, learningRate: 1e-2,
    split: { validation: 0.2, test: 0.2 }, earlyStopping: { metric: 'loss', mode: 'min', patience: 0 },
  });
  assert.equal(result.status, 'completed', result.reason ?? '');
  const losses = (await store.readMetrics(runId)).filter((e) => e.split === 'train' && e.name === 'loss').map((e) => e.value);
  const evaluation = await store.readEvaluation(runId);
  assert.ok(evaluation !== null && evaluation.task !== 'tabular-regression');
  return { losses, accuracy: evaluation.accuracy, loss: evaluation.loss };
}

for (const [backend, technique] of [['cpu', 'lora'], ['wasm', 'adapter']] as const) {
  test(`${technique} run on ${backend} gives the same losses and evaluation with the model fast paths`, async () => {
    const root = tempDir();
    const csv = writeTextCsv(root, 80);
    const model = writeTinyCheckpoint(path.join(root, 'bert'), makeTinyCheckpoint({ architecture: 'bert', hidden: 16, layers: 2, heads: 2, seed: 4, scale: 0.3, dropout: 0.1 }));
    const stock = await run(root, csv, model, backend, technique, false);
    const packed = packingCounts.packed;
    const fast = await run(root, csv, model, backend, technique, true);
    assert.ok(packingCounts.packed > packed, 'short reviews at 24 tokens ran packed');
    assert.equal(fast.losses.length, stock.losses.length);
    fast.losses.forEach((l, i) => assert.ok(Math.abs(l - stock.losses[i]) <= 1e-4 * Math.abs(stock.losses[i]), `step ${i + 1}: loss ${l} vs ${stock.losses[i]}`));
    assert.equal(fast.accuracy, stock.accuracy);
    assert.ok(Math.abs(fast.loss - stock.loss) <= 1e-4 * stock.loss, `test loss ${fast.loss} vs ${stock.loss}`);
  });
}
