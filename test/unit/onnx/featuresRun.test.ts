// A whole features run (executeRun, the embedded nn-sentiment model) computes its frozen base's
// features through onnxruntime-node, records it in run.json and says so in the log, and ends with
// the metrics of the same run with FINETUNE_ONNX=0 (tfjs computes the features).

import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { tempDir, writeTextCsv } from '../helpers/fixtures';
import { createAndRun } from '../helpers/runHelpers';
import { assertSameMetrics } from '../helpers/runMetrics';
import { ONNX_ENV_VAR, ONNX_FROZEN_FORWARD_FAST_PATH } from '../../../src/engine/onnx/onnxSwitch';

before(async () => {
  await tf.setBackend('cpu');
});

const COMMON = { technique: 'features', epochs: 2, batchSize: 16, learningRate: 0.01, split: { validation: 0.2, test: 0.2 } } as const;

async function withOnnx<T>(value: string | undefined, body: () => Promise<T>): Promise<T> {
  const before = process.env[ONNX_ENV_VAR];
  if (value === undefined) delete process.env[ONNX_ENV_VAR];
  else process.env[ONNX_ENV_VAR] = value;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env[ONNX_ENV_VAR];
    else process.env[ONNX_ENV_VAR] = before;
  }
}

test('features through onnxruntime: recorded, logged, and the metrics of the tfjs run', async () => {
  const dir = tempDir();
  const csv = writeTextCsv(dir, 96);
  const runs = path.join(dir, 'runs');
  const viaOnnx = await withOnnx(undefined, () => createAndRun(runs, csv, { ...COMMON }));
  const viaTfjs = await withOnnx('0', () => createAndRun(runs, csv, { ...COMMON }));
  assert.equal(viaOnnx.result.status, 'completed');
  assert.equal(viaTfjs.result.status, 'completed');
  assert.ok((await viaOnnx.store.readRun(viaOnnx.runId)).backend?.fastPaths?.includes(ONNX_FROZEN_FORWARD_FAST_PATH));
  assert.ok(!(await viaTfjs.store.readRun(viaTfjs.runId)).backend?.fastPaths?.includes(ONNX_FROZEN_FORWARD_FAST_PATH));
  const log = (runId: string, store: typeof viaOnnx.store): string => fs.readFileSync(path.join(store.runDir(runId), 'worker.log'), 'utf8');
  assert.match(log(viaOnnx.runId, viaOnnx.store), /frozen forward of '[^']+': onnxruntime/);
  assert.match(log(viaTfjs.runId, viaTfjs.store), /frozen forward of '[^']+': tfjs \(FINETUNE_ONNX=0/);
  await assertSameMetrics(viaOnnx, viaTfjs);
  const ea = await viaOnnx.store.readEvaluation(viaOnnx.runId);
  const eb = await viaTfjs.store.readEvaluation(viaTfjs.runId);
  assert.ok(ea && eb && ea.task === 'text-classification' && eb.task === 'text-classification');
  assert.deepEqual(ea.confusion, eb.confusion);
});
