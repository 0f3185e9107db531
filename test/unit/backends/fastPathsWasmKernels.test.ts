// The typed-array GatherV2 (embedding lookup) and broadcasting Equal (max gradients) kernels that
// replace tfjs-wasm's: against the stock kernels, exactly (they copy and compare, no arithmetic),
// over axes, index shapes, dtypes and broadcast shapes; errors as the stock kernel raises them;
// install, uninstall and the FINETUNE_FAST_PATHS=0 switch.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { wasmGatherOverride, gatherRouteCounts } from '../../../src/engine/backends/fastPaths/wasmGatherKernel';
import { wasmEqualOverride, equalRouteCounts, broadcastEqual } from '../../../src/engine/backends/fastPaths/wasmEqualKernel';
import { installFastPaths, WASM_KERNEL_OVERRIDES } from '../../../src/engine/backends/fastPaths/installFastPaths';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';
import type { WasmKernelOverride } from '../../../src/engine/backends/fastPaths/wasmKernelOverride';

before(async () => {
  await tf.setBackend('wasm');
  registerSegmentSumKernels(); // the Embedding gradient on wasm
});
after(() => {
  for (const o of WASM_KERNEL_OVERRIDES) o.disable();
});

function seeded(size: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.round((s / 4294967296) * 8) / 2 - 2; // few distinct values: many equalities
  });
}

/** f with the stock kernel, then with the override: [stock, fast] values and shapes. */
function both(override: WasmKernelOverride, f: () => tf.Tensor): Array<{ shape: number[]; dtype: string; values: number[] }> {
  return [false, true].map((fast) => {
    if (fast) assert.equal(override.enable(), null);
    else override.disable();
    const t = f();
    const r = { shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) };
    t.dispose();
    override.disable();
    return r;
  });
}

const GATHER_CASES: Array<{ x: number[]; indices: number[]; axis: number; dtype: 'float32' | 'int32' | 'bool' }> = [
  { x: [30, 5], indices: [4, 6], axis: 0, dtype: 'float32' },
  { x: [30, 5], indices: [17], axis: 0, dtype: 'int32' },
  { x: [7, 4, 3], indices: [2, 5], axis: 1, dtype: 'float32' },
  { x: [7, 4, 3], indices: [6], axis: 2, dtype: 'bool' },
  { x: [7, 4, 3], indices: [3], axis: -1, dtype: 'float32' },
  { x: [9], indices: [2, 2], axis: 0, dtype: 'float32' },
  { x: [30, 5], indices: [0], axis: 0, dtype: 'float32' },
];

for (const c of GATHER_CASES) {
  test(`GatherV2 override = stock [x ${c.x.join('×')} ${c.dtype}, indices ${c.indices.join('×')}, axis ${c.axis}]`, () => {
    const dim = c.x[c.axis < 0 ? c.x.length + c.axis : c.axis];
    const count = c.indices.reduce((p, d) => p * d, 1);
    const ids = Int32Array.from({ length: count }, (_, i) => (i * 7 + 3) % dim);
    const size = c.x.reduce((p, d) => p * d, 1);
    const x = tf.tensor(seeded(size, size).map((v) => (c.dtype === 'bool' ? (v > 0 ? 1 : 0) : v)), c.x, c.dtype);
    const indices = tf.tensor(ids, c.indices, 'int32');
    const fastBefore = gatherRouteCounts.fast;
    const [stock, fast] = both(wasmGatherOverride, () => tf.gather(x, indices, c.axis));
    assert.equal(gatherRouteCounts.fast, fastBefore + 1, 'the override took the fast route');
    assert.deepEqual(fast, stock);
    x.dispose();
    indices.dispose();
  });
}

test('GatherV2 override: an index out of range throws the stock message; the Embedding layer and its gradient are unchanged', () => {
  const x = tf.tensor2d(seeded(20, 1), [10, 2]);
  for (const bad of [10, -1]) {
    const indices = tf.tensor1d([1, bad], 'int32');
    const messages = [false, true].map((fast) => {
      if (fast) wasmGatherOverride.enable();
      try {
        tf.gather(x, indices).dispose();
        return 'no error';
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      } finally {
        wasmGatherOverride.disable();
      }
    });
    assert.match(messages[0], /GatherV2: the index value/);
    assert.equal(messages[1], messages[0]);
    indices.dispose();
  }
  x.dispose();
  const layer = tf.layers.embedding({ inputDim: 12, outputDim: 3, embeddingsInitializer: 'randomNormal' });
  const ids = tf.tensor2d([[1, 4, 0, 0], [11, 4, 4, 2]]);
  layer.apply(ids);
  const table = layer.trainableWeights[0].read() as tf.Variable;
  const [stock, fast] = both(wasmGatherOverride, () => tf.grad(() => tf.sum(tf.square(layer.apply(ids) as tf.Tensor)))(table));
  assert.deepEqual(fast, stock);
  ids.dispose();
});

const EQUAL_CASES: Array<[number[], number[]]> = [
  [[32, 100, 40], [32, 1, 40]],
  [[4, 5], [5]],
  [[4, 1], [1, 6]],
  [[3, 1, 5], [2, 5]],
  [[2, 3, 4, 5], [2, 1, 4, 1]],
  [[6], []],
  [[], [3, 2]],
  [[3, 0, 2], [3, 1, 2]],
];

for (const [aShape, bShape] of EQUAL_CASES) {
  test(`Equal override = stock [${aShape.join('×') || 'scalar'} vs ${bShape.join('×') || 'scalar'}]`, () => {
    const sa = aShape.reduce((p, d) => p * d, 1);
    const sb = bShape.reduce((p, d) => p * d, 1);
    const a = tf.tensor(seeded(sa, 3), aShape);
    const b = tf.tensor(seeded(sb, 4), bShape);
    const [stock, fast] = both(wasmEqualOverride, () => tf.equal(a, b));
    assert.deepEqual(fast, stock);
    assert.ok(stock.values.length === 0 || stock.values.some((v) => v === 1), 'some equal pairs: the comparison means something');
    a.dispose();
    b.dispose();
  });
}

test('Equal override: NaN equals nothing, int32 and bool inputs, same shapes go to the stock kernel', () => {
  const a = tf.tensor2d([NaN, 1, 2, NaN, 0, -0], [2, 3]);
  const b = tf.tensor1d([NaN, 1, 0]);
  const [stock, fast] = both(wasmEqualOverride, () => tf.equal(a, b));
  assert.deepEqual(fast, stock);
  assert.deepEqual(fast.values, [0, 1, 0, 0, 0, 1]);
  const ai = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
  const bi = tf.tensor1d([1, 4], 'int32');
  assert.deepEqual(...(both(wasmEqualOverride, () => tf.equal(ai, bi)) as [object, object]));
  const stockBefore = equalRouteCounts.stock;
  both(wasmEqualOverride, () => tf.equal(ai, ai));
  assert.equal(equalRouteCounts.stock, stockBefore + 1, 'equal shapes: stock kernel');
  tf.dispose([a, b, ai, bi]);
});

test('broadcastEqual walks the broadcast shape in row-major order (independent loop check)', () => {
  const aShape = [2, 1, 3];
  const bShape = [4, 1];
  const a = [1, 2, 3, 4, 5, 6];
  const b = [1, 5, 3, 6];
  const out = new Uint8Array(2 * 4 * 3);
  broadcastEqual(a, aShape, b, bShape, [2, 4, 3], out);
  const want: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) want.push(a[i * 3 + k] === b[j] ? 1 : 0);
  assert.deepEqual(Array.from(out), want);
});

test('the max gradient (GlobalMaxPooling1D) with tied maxima is the same with the Equal override', () => {
  const x = tf.tensor3d(seeded(4 * 9 * 5, 8), [4, 9, 5]);
  const pool = tf.layers.globalMaxPooling1d();
  const [stock, fast] = both(wasmEqualOverride, () => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(pool.apply(v) as tf.Tensor, tf.range(1, 6))))(x));
  assert.deepEqual(fast, stock);
  assert.ok(stock.values.filter((v) => v !== 0).length > 4 * 5, 'ties: more non-zero entries than one per (row, unit)');
  x.dispose();
});

test('installFastPaths installs the wasm kernel overrides; FINETUNE_FAST_PATHS=0 removes them', () => {
  const log = (): void => undefined;
  const names = installFastPaths('wasm', log, {});
  for (const o of WASM_KERNEL_OVERRIDES) {
    assert.ok(names.includes(o.name), o.name);
    assert.equal(o.isEnabled(), true);
  }
  assert.deepEqual(installFastPaths('wasm', log, { [FAST_PATHS_ENV_VAR]: '0' }), []);
  for (const o of WASM_KERNEL_OVERRIDES) assert.equal(o.isEnabled(), false);
  assert.ok(!installFastPaths('cpu', log, {}).some((n) => WASM_KERNEL_OVERRIDES.some((o) => o.name === n)), 'nothing of these on cpu');
  assert.match(wasmGatherOverride.enable({ core: '4.23.0', wasm: '4.22.0' }) ?? '', /written for tfjs 4\.22\.0/);
  assert.equal(wasmGatherOverride.isEnabled(), false);
});
