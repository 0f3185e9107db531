import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastOuter, matMulDims, planMatMul } from '../../../src/engine/backends/fastPaths/matMulPlan';
import { FAST_PATHS_ENV_VAR, fastPathsEnabled } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';

test('matMulDims reads M, K, N and the broadcast batch for each transpose combination', () => {
  assert.deepEqual(matMulDims([32, 64], [64, 16], false, false), { m: 32, k: 64, n: 16, batchA: 1, batchB: 1, outerShape: [], batch: 1 });
  assert.deepEqual(matMulDims([64, 32], [16, 64], true, true), { m: 32, k: 64, n: 16, batchA: 1, batchB: 1, outerShape: [], batch: 1 });
  assert.deepEqual(matMulDims([4, 3, 10, 5], [5, 7], false, false)?.outerShape, [4, 3]);
  assert.equal(matMulDims([4, 10, 5], [6, 7], false, false), null, 'inner mismatch');
  assert.equal(matMulDims([2, 10, 5], [3, 5, 7], false, false), null, 'outer dims do not broadcast');
  assert.equal(matMulDims([5], [5, 7], false, false), null, 'rank 1');
});

test('broadcastOuter follows numpy rules', () => {
  assert.deepEqual(broadcastOuter([2, 1], [1, 3]), [2, 3]);
  assert.deepEqual(broadcastOuter([], [4]), [4]);
  assert.equal(broadcastOuter([2], [3]), null);
});

test('planMatMul: the stock fast case and small calls stay stock; slow cases are re-routed', () => {
  assert.equal(planMatMul([256, 512], [512, 512], false, false).route, 'stock', 'already XNNPACK');
  assert.equal(planMatMul([256, 512], [512, 512], false, true).route, 'single');
  assert.equal(planMatMul([512, 256], [512, 512], true, false).route, 'single');
  assert.equal(planMatMul([4, 4], [4, 4], true, true).route, 'stock', 'too small to pay');
  assert.equal(planMatMul([32, 100, 40], [40, 60], false, false).route, 'fold');
  assert.equal(planMatMul([32, 40, 100], [1, 60, 40], true, true).route, 'fold');
  assert.equal(planMatMul([32, 100, 40], [32, 40, 60], false, false).route, 'split');
  assert.equal(planMatMul([100, 40], [32, 40, 60], false, false).route, 'split', 'a shared');
  assert.equal(planMatMul([8, 4, 4], [8, 4, 4], false, false).route, 'stock', 'entries too small');
  assert.equal(planMatMul([2, 1, 64, 64], [1, 3, 64, 64], false, false).route, 'stock', 'two-sided broadcast');
  assert.equal(planMatMul([0, 64], [64, 64], false, true).route, 'stock', 'empty');
});

test('fastPathsEnabled: on unless FINETUNE_FAST_PATHS says off', () => {
  assert.equal(fastPathsEnabled({}), true);
  assert.equal(fastPathsEnabled({ [FAST_PATHS_ENV_VAR]: '1' }), true);
  assert.equal(fastPathsEnabled({ [FAST_PATHS_ENV_VAR]: '' }), true);
  for (const off of ['0', 'false', 'OFF', ' no ']) assert.equal(fastPathsEnabled({ [FAST_PATHS_ENV_VAR]: off }), false, off);
});
