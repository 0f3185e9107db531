import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNorm, globalNorm } from '../../../src/engine/training/clipByGlobalNorm';

async function values(t: tf.Tensor | undefined): Promise<number[]> {
  assert.ok(t !== undefined);
  return Array.from(await t.data());
}

function closeTo(got: number[], want: number[], tol = 1e-6): void {
  assert.equal(got.length, want.length);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tol, `${i}: ${v} vs ${want[i]}`));
}

test('clips by the global norm: scale = maxNorm / max(norm, maxNorm)', async () => {
  await tf.setBackend('cpu');
  // Hand computation: sqrt(3² + 4² + 12²) = 13.
  const grads = new Map<string, tf.Tensor>([
    ['a', tf.tensor1d([3, 4])],
    ['b', tf.tensor2d([[12]])],
  ]);
  const before = tf.memory().numTensors;
  const norm = globalNorm(grads);
  assert.ok(Math.abs((await norm.data())[0] - 13) < 1e-6);
  norm.dispose();
  const clipped = clipByGlobalNorm(grads, 6.5);
  assert.ok(Math.abs((await clipped.norm.data())[0] - 13) < 1e-6);
  closeTo(await values(clipped.grads.get('a')), [1.5, 2]);
  closeTo(await values(clipped.grads.get('b')), [6]);
  assert.deepEqual(clipped.grads.get('b')?.shape, [1, 1]);
  assert.equal(tf.memory().numTensors, before + 3, 'only the clipped gradients and the norm are new');
  tf.dispose([...clipped.grads.values(), clipped.norm]);

  for (const maxNorm of [13, 20]) {
    const within = clipByGlobalNorm(grads, maxNorm);
    assert.deepEqual(await values(within.grads.get('a')), [3, 4], `maxNorm ${maxNorm}: scale exactly 1`);
    assert.deepEqual(await values(within.grads.get('b')), [12]);
    tf.dispose([...within.grads.values(), within.norm]);
  }
  for (const maxNorm of [0, -1]) {
    const same = clipByGlobalNorm(grads, maxNorm);
    assert.ok(Math.abs((await same.norm.data())[0] - 13) < 1e-6);
    assert.equal(same.grads.get('a'), grads.get('a'), `maxNorm ${maxNorm} leaves gradients untouched`);
    assert.equal(same.grads.get('b'), grads.get('b'));
    same.norm.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([...grads.values()]);
});

test('a non-finite norm gives NaN gradients (TensorFlow semantics); empty input has norm 0', async () => {
  await tf.setBackend('cpu');
  const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([Infinity, 1])]]);
  const out = clipByGlobalNorm(grads, 1);
  assert.equal((await out.norm.data())[0], Infinity);
  assert.ok((await values(out.grads.get('a'))).every((v) => Number.isNaN(v)));
  tf.dispose([...out.grads.values(), ...grads.values(), out.norm]);
  const empty = clipByGlobalNorm(new Map(), 1);
  assert.equal(empty.grads.size, 0);
  assert.equal((await empty.norm.data())[0], 0);
  empty.norm.dispose();
});

test('the norm of many gradients (summed in groups) matches a direct sum', async () => {
  await tf.setBackend('cpu');
  const grads = new Map<string, tf.Tensor>();
  let want = 0;
  for (let i = 0; i < 50; i++) {
    const values = [i * 0.1, -i * 0.05, 1];
    want += values.reduce((s, v) => s + v * v, 0);
    grads.set(`w${i}`, tf.tensor1d(values));
  }
  const norm = globalNorm(grads);
  assert.ok(Math.abs((await norm.data())[0] - Math.sqrt(want)) < 1e-4);
  tf.dispose([norm, ...grads.values()]);
});
