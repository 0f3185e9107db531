// Two wasm kernel overrides of the model fast paths: Identity / same-dtype Cast sharing memory
// (wasmSharedIdentity.ts) and Sum over leading axes without a transpose (wasmSumKernel.ts).
// Sharing: a clone holds the same values without new memory, outlives its source, and frees the
// memory with the last tensor (no leak); a Cast to another dtype converts as before; gradients
// through saved tensors are unchanged. Sum: every leading-axes reduction (keepDims, negative
// axes, rank 2–4) equals the stock kernel bit for bit (same float32 additions in the same order,
// so training runs do not drift apart); other reductions stay stock.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { sharedIdentityCounts, wasmSharedCastOverride, wasmSharedIdentityOverride } from '../../../src/engine/backends/fastPaths/wasmSharedIdentity';
import { leadingAxesCount, sumRouteCounts, wasmSumOverride } from '../../../src/engine/backends/fastPaths/wasmSumKernel';
import { assertSameLossAndGrads, lossAndGrads } from './fastPathCompare';

interface DataIdCounter {
  numDataIds(): number;
}

function dataIds(): number {
  return (tf.backend() as unknown as DataIdCounter).numDataIds();
}

before(async () => {
  assert.ok(await tf.setBackend('wasm'));
});
after(() => {
  wasmSharedIdentityOverride.disable();
  wasmSharedCastOverride.disable();
  wasmSumOverride.disable();
});

test('shared Identity: a clone shares memory, outlives its source and frees it last', () => {
  assert.equal(wasmSharedIdentityOverride.enable(), null);
  const x = tf.tensor([1.5, -2, 3, 4.25], [2, 2]);
  const ids = dataIds();
  const shared = sharedIdentityCounts.shared;
  const y = tf.clone(x);
  assert.equal(sharedIdentityCounts.shared, shared + 1);
  assert.equal(dataIds(), ids, 'no new memory for the clone');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1.5, -2, 3, 4.25], 'the clone keeps the values after its source is gone');
  y.dispose();
  assert.equal(dataIds(), ids - 1, 'the memory is freed with the last tensor');
  wasmSharedIdentityOverride.disable();
  const z = tf.tensor([1, 2]);
  const before = dataIds();
  const w = tf.clone(z);
  assert.equal(dataIds(), before + 1, 'the stock kernel copies again once disabled');
  tf.dispose([z, w]);
});

test('shared Cast: same dtype shares, another dtype converts', () => {
  assert.equal(wasmSharedCastOverride.enable(), null);
  const x = tf.tensor([1.7, -2.2, 3.5]);
  const ids = dataIds();
  const same = tf.cast(x, 'float32');
  assert.equal(dataIds(), ids);
  const ints = tf.cast(x, 'int32');
  assert.equal(dataIds(), ids + 1);
  assert.deepEqual(Array.from(ints.dataSync()), [1, -2, 3]);
  const back = tf.cast(ints, 'float32');
  assert.deepEqual(Array.from(back.dataSync()), [1, -2, 3]);
  assert.deepEqual(Array.from(same.dataSync()), Array.from(x.dataSync()));
  tf.dispose([x, same, ints, back]);
});

test('shared Identity and Cast: the gradients of a small network are unchanged', () => {
  const w1 = tf.variable(tf.randomNormal([6, 5], 0, 1, 'float32', 1), true, 'shared_w1');
  const w2 = tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 2), true, 'shared_w2');
  const x = tf.randomNormal([4, 6], 0, 1, 'float32', 3);
  const loss = (): tf.Scalar => tf.sum(tf.square(tf.matMul(tf.softmax(tf.tanh(tf.matMul(x, w1))), w2)));
  wasmSharedIdentityOverride.disable();
  wasmSharedCastOverride.disable();
  const stock = lossAndGrads(loss, [w1, w2]);
  wasmSharedIdentityOverride.enable();
  wasmSharedCastOverride.enable();
  const shared = sharedIdentityCounts.shared;
  const fast = lossAndGrads(loss, [w1, w2]);
  assert.ok(sharedIdentityCounts.shared > shared, 'saving tensors for the gradient went through the shared Identity');
  assertSameLossAndGrads(fast, stock, 'shared identity');
  tf.dispose([w1, w2, x]);
});

test('leadingAxesCount: only a prefix of the axes, never all of them', () => {
  assert.equal(leadingAxesCount([0, 1], 3), 2);
  assert.equal(leadingAxesCount([1, 0, 1], 3), 2);
  assert.equal(leadingAxesCount([0], 2), 1);
  assert.equal(leadingAxesCount([1], 3), 0);
  assert.equal(leadingAxesCount([0, 2], 3), 0);
  assert.equal(leadingAxesCount([0, 1, 2], 3), 0);
  assert.equal(leadingAxesCount([], 3), 0);
});

const SUMS: Array<{ shape: number[]; axis: number | number[] | null; keepDims: boolean; fast: boolean }> = [
  { shape: [1, 64, 48], axis: [0, 1], keepDims: false, fast: true },
  { shape: [8, 5, 7], axis: 0, keepDims: false, fast: true },
  { shape: [8, 5, 7], axis: [0, 1], keepDims: true, fast: true },
  { shape: [3, 4], axis: 0, keepDims: false, fast: true },
  { shape: [2, 3, 4, 5], axis: [-4, -3, -2], keepDims: false, fast: true },
  { shape: [300, 17], axis: [0], keepDims: true, fast: true },
  { shape: [8, 5, 7], axis: 1, keepDims: false, fast: false },
  { shape: [8, 5, 7], axis: -1, keepDims: false, fast: false },
  { shape: [8, 5, 7], axis: null, keepDims: false, fast: false },
];

for (const c of SUMS) {
  test(`leading-axes Sum = stock: shape [${c.shape}], axis ${JSON.stringify(c.axis)}, keepDims ${c.keepDims} (${c.fast ? 'fast' : 'stock'} route)`, () => {
    // Values of mixed magnitude, so float32 rounding shows if the order of additions differs.
    const x = tf.mul(tf.randomNormal(c.shape, 0, 1, 'float32', c.shape.length), tf.exp(tf.randomNormal(c.shape, 0, 3, 'float32', 99)));
    const run = (): tf.Tensor => tf.sum(x, c.axis ?? undefined, c.keepDims);
    wasmSumOverride.disable();
    const stock = run();
    assert.equal(wasmSumOverride.enable(), null);
    const fast0 = sumRouteCounts.fast;
    const fast = run();
    assert.equal(sumRouteCounts.fast - fast0, c.fast ? 1 : 0);
    assert.deepEqual(fast.shape, stock.shape);
    assert.deepEqual(Array.from(fast.dataSync()), Array.from(stock.dataSync()), `sum of [${c.shape}]: bit for bit`);
    tf.dispose([x, stock, fast]);
  });
}
