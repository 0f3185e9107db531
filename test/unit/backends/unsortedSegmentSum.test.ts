import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { isSegmentSumKernelRegistered, registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';
import { mulberry32 } from '../helpers/seededRandom';

/** Independent reference: plain loops in float64 over the flattened layout. */
function referenceSegmentSum(x: number[], ids: number[], inner: number, numSegments: number): number[] {
  const out = new Array<number>(numSegments * inner).fill(0);
  ids.forEach((id, i) => {
    if (id < 0 || id >= numSegments) return;
    for (let j = 0; j < inner; j++) out[id * inner + j] += x[i * inner + j];
  });
  return out;
}

function assertClose(got: ArrayLike<number>, want: readonly number[], tol = 1e-5): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `index ${i}: ${got[i]} vs ${want[i]}`);
  }
}

async function useBackend(name: string): Promise<void> {
  assert.ok(await tf.setBackend(name), `backend ${name} initializes`);
  await tf.ready();
  registerSegmentSumKernels();
}

interface Case {
  xShape: number[];
  idsShape: number[];
  numSegments: number;
  dtype: 'float32' | 'int32';
}

const CASES: Case[] = [
  { xShape: [20, 7], idsShape: [20], numSegments: 5, dtype: 'float32' },
  { xShape: [13], idsShape: [13], numSegments: 4, dtype: 'float32' },
  { xShape: [9, 3, 4], idsShape: [9], numSegments: 12, dtype: 'float32' },
  { xShape: [4, 5, 6], idsShape: [4, 5], numSegments: 3, dtype: 'float32' },
  { xShape: [30, 2], idsShape: [30], numSegments: 6, dtype: 'int32' },
];

for (const backend of ['cpu', 'wasm']) {
  test(`UnsortedSegmentSum on ${backend} matches plain loops (repeated ids, rank > 1 ids, int32)`, async () => {
    await useBackend(backend);
    assert.ok(isSegmentSumKernelRegistered(backend));
    const rand = mulberry32(backend === 'cpu' ? 1 : 2);
    for (const c of CASES) {
      const n = c.idsShape.reduce((a, b) => a * b, 1);
      const size = c.xShape.reduce((a, b) => a * b, 1);
      const inner = size / n;
      const x = Array.from({ length: size }, () =>
        c.dtype === 'int32' ? Math.floor(rand() * 200) - 100 : rand() * 2 - 1,
      );
      // Few distinct ids so repeats are common; some segments stay empty.
      const ids = Array.from({ length: n }, () => Math.floor(rand() * Math.max(1, c.numSegments - 1)));
      const before = tf.memory().numTensors;
      // The op's typing says Tensor1D, but it accepts ids of any rank that prefixes x's shape.
      const result = tf.tidy(() => {
        const idsTensor: tf.Tensor = tf.tensor(ids, c.idsShape, 'int32');
        return tf.unsortedSegmentSum(tf.tensor(x, c.xShape, c.dtype), idsTensor as tf.Tensor1D, c.numSegments);
      });
      assert.deepEqual(result.shape, [c.numSegments, ...c.xShape.slice(c.idsShape.length)]);
      assert.equal(result.dtype, c.dtype);
      assertClose(await result.data(), referenceSegmentSum(x, ids, inner, c.numSegments));
      result.dispose();
      assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
    }
  });

  test(`UnsortedSegmentSum on ${backend} drops out-of-range ids`, async () => {
    await useBackend(backend);
    const out = tf.tidy(() =>
      tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]), tf.tensor1d([0, -1, 2, 5], 'int32'), 3),
    );
    assert.deepEqual(Array.from(await out.data()), [1, 2, 0, 0, 5, 6]);
    out.dispose();
  });
}

test('registerSegmentSumKernels is idempotent and replaces the stock cpu kernel', async () => {
  await useBackend('cpu');
  const counts = ['cpu', 'wasm'].map((b) => tf.getKernelsForBackend(b).length);
  for (let i = 0; i < 3; i++) registerSegmentSumKernels();
  assert.deepEqual(['cpu', 'wasm'].map((b) => tf.getKernelsForBackend(b).length), counts);
  assert.ok(isSegmentSumKernelRegistered('cpu'));
  assert.ok(isSegmentSumKernelRegistered('wasm'));
  const out = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 1, 0], 'int32'), 2));
  assert.deepEqual(Array.from(await out.data()), [3, 3]);
  out.dispose();
});

async function gatherGradient(backend: string, params: number[][], indices: number[][], axis: number): Promise<{ grad: Float32Array; dy: Float32Array }> {
  await useBackend(backend);
  return tf.tidy(() => {
    const p = tf.tensor2d(params);
    const idx = tf.tensor2d(indices, undefined, 'int32');
    // A non-uniform upstream gradient: weigh the gathered values by a fixed tensor.
    const gatheredShape = tf.gather(p, idx, axis).shape;
    const weights = tf.range(0, gatheredShape.reduce((a, b) => a * b, 1)).reshape(gatheredShape).mul(0.01);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, idx, axis), weights)))(p);
    return { grad: grad.dataSync() as Float32Array, dy: weights.dataSync() as Float32Array };
  });
}

test('tf.grad of tf.gather works on wasm and matches cpu and a hand computation (axis 0 and 1)', async () => {
  const rand = mulberry32(7);
  const params = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => rand()));
  const indices = [[0, 3, 3], [5, 0, 3]];
  for (const axis of [0, 1]) {
    const idx = axis === 0 ? indices : indices.map((r) => r.map((v) => v % 4));
    const onCpu = await gatherGradient('cpu', params, idx, axis);
    const onWasm = await gatherGradient('wasm', params, idx, axis);
    // Hand computation: every gathered element adds its upstream gradient to its source.
    const want = new Array<number>(24).fill(0);
    const flatIdx = idx.flat();
    if (axis === 0) {
      flatIdx.forEach((row, k) => {
        for (let j = 0; j < 4; j++) want[row * 4 + j] += onCpu.dy[k * 4 + j];
      });
    } else {
      // gathered shape [6, 2, 3]: element (r, k) comes from params[r][flatIdx[k]].
      for (let r = 0; r < 6; r++) flatIdx.forEach((col, k) => (want[r * 4 + col] += onCpu.dy[r * 6 + k]));
    }
    assertClose(onCpu.grad, want);
    assertClose(onWasm.grad, want);
  }
});

test('Embedding layer gradients work on wasm', async () => {
  await useBackend('wasm');
  const layer = tf.layers.embedding({ inputDim: 50, outputDim: 8, embeddingsInitializer: 'glorotUniform' });
  layer.build([null, 4]);
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => {
    const ids = tf.tensor2d([[1, 2, 2, 49], [0, 0, 7, 1]], undefined, 'int32');
    const out = layer.apply(ids) as tf.Tensor;
    return tf.sum(tf.square(out)) as tf.Scalar;
  });
  const names = Object.keys(grads);
  assert.equal(names.length, 1);
  const g = grads[names[0]];
  assert.deepEqual(g.shape, [50, 8]);
  const data = await g.data();
  assert.ok(data.every((v) => Number.isFinite(v)));
  // Rows never looked up get no gradient.
  for (let j = 0; j < 8; j++) assert.equal(data[3 * 8 + j], 0);
  tf.dispose([value, g]);
  assert.equal(tf.memory().numTensors, before, 'gradients disposed');
  for (const w of layer.weights) w.dispose();
});

test('a big case (vocab 30000 x 50, 3200 indices) runs quickly on cpu and wasm', async (t) => {
  const rand = mulberry32(11);
  const vocab = 30000;
  const width = 50;
  const ids = Array.from({ length: 3200 }, () => Math.floor(rand() * vocab));
  const x = Float32Array.from({ length: 3200 * width }, () => rand() - 0.5);
  const want = referenceSegmentSum(Array.from(x), ids, width, vocab);
  for (const backend of ['cpu', 'wasm']) {
    await useBackend(backend);
    const xs = tf.tensor2d(x, [3200, width]);
    const idt = tf.tensor1d(ids, 'int32');
    const started = performance.now();
    const out = tf.unsortedSegmentSum(xs, idt, vocab);
    const data = out.dataSync();
    const ms = performance.now() - started;
    t.diagnostic(`${backend}: unsortedSegmentSum [3200, 50] -> [30000, 50] in ${ms.toFixed(1)} ms`);
    assertClose(data, want);
    tf.dispose([xs, idt, out]);
  }
});
