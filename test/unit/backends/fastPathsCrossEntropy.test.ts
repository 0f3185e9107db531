// The fused mean cross-entropy (fusedCrossEntropy.ts) against forward.ts's stock loss,
// tf.mean(perExampleLoss(...)), on softmax outputs of random logits, including probabilities
// clipped at 1e-7 and 1 − 1e-7 (zero gradient there) and soft targets: the gradient with respect to
// the logits (through tfjs's softmax) and to the probabilities equal to the bit, the loss within
// relative 1e-6, on cpu and wasm; two kernel calls instead of ~20.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { perExampleLoss } from '../../../src/engine/training/forward';
import type { LabelCodec } from '../../../src/engine/training/labels';
import { fusedCrossEntropyApplies, fusedMeanCrossEntropy } from '../../../src/engine/backends/fastPaths/fusedCrossEntropy';

/** perExampleLoss reads only `scaling` (null: classification). */
const CODEC = { scaling: null } as unknown as LabelCodec;

function problem(seed: number, batch: number, classes: number, soft: boolean): { logits: tf.Tensor2D; target: tf.Tensor2D } {
  return tf.tidy(() => {
    // Wide logits: some softmax outputs below 1e-7 or above 1 − 1e-7 (clipped).
    const logits = tf.mul(tf.randomNormal([batch, classes], 0, 1, 'float32', seed), tf.linspace(0.5, 25, batch).reshape([batch, 1])) as tf.Tensor2D;
    const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 7) % classes), 'int32');
    const oneHot = tf.oneHot(labels, classes).asType('float32') as tf.Tensor2D;
    const target = soft ? (tf.softmax(tf.randomNormal([batch, classes], 0, 1, 'float32', seed + 1)) as tf.Tensor2D) : oneHot;
    return { logits, target };
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`fused cross-entropy = stock loss: gradients to the bit, loss within 1e-6 (${backend})`, async () => {
    assert.ok(await tf.setBackend(backend));
    assert.ok(fusedCrossEntropyApplies(backend, {}));
    assert.ok(!fusedCrossEntropyApplies(backend, { FINETUNE_FAST_PATHS: '0' }));
    assert.ok(!fusedCrossEntropyApplies('webgpu', {}));
    for (const [batch, classes, soft] of [[32, 3, false], [17, 10, true], [1, 2, false]] as const) {
      const { logits, target } = problem(batch + classes, batch, classes, soft);
      const stockLoss = (p: tf.Tensor2D): tf.Scalar => tf.mean(perExampleLoss(CODEC, p, target)) as tf.Scalar;
      const fusedLoss = (p: tf.Tensor2D): tf.Scalar => fusedMeanCrossEntropy(p, target);
      const probs = tf.softmax(logits) as tf.Tensor2D;
      const clipped = Array.from(probs.dataSync()).filter((x) => x < 1e-7 || x > 1 - 1e-7).length;
      if (batch === 32) assert.ok(clipped > 0, 'some probabilities are clipped');
      for (const [what, x, model] of [
        ['logits', logits, (l: tf.Tensor2D): tf.Tensor2D => tf.softmax(l) as tf.Tensor2D],
        ['probabilities', probs, (p: tf.Tensor2D): tf.Tensor2D => p],
      ] as const) {
        const want = tf.valueAndGrad((v: tf.Tensor) => stockLoss(model(v as tf.Tensor2D)))(x);
        const got = tf.valueAndGrad((v: tf.Tensor) => fusedLoss(model(v as tf.Tensor2D)))(x);
        const [wl, gl] = [want.value.dataSync()[0], got.value.dataSync()[0]];
        assert.ok(Math.abs(gl - wl) <= 1e-6 * Math.abs(wl), `${backend} ${batch}x${classes} ${what}: loss ${gl} vs ${wl}`);
        assert.deepEqual(got.grad.dataSync(), want.grad.dataSync(), `${backend} ${batch}x${classes} ${what}: gradient`);
        tf.dispose([want.value, want.grad, got.value, got.grad]);
      }
      tf.dispose([logits, target, probs]);
    }
  });
}

test('fused cross-entropy: two kernel calls for loss and gradient', async () => {
  assert.ok(await tf.setBackend('wasm'));
  const { logits, target } = problem(3, 8, 4, false);
  const probs = tf.softmax(logits) as tf.Tensor2D;
  const count = async (loss: (p: tf.Tensor2D) => tf.Scalar): Promise<number> =>
    (await tf.profile(() => tf.dispose(tf.valueAndGrad((p: tf.Tensor) => loss(p as tf.Tensor2D))(probs)))).kernels.filter((k) => k.name !== 'Identity').length;
  const stock = await count((p) => tf.mean(perExampleLoss(CODEC, p, target)) as tf.Scalar);
  const fused = await count((p) => fusedMeanCrossEntropy(p, target));
  assert.ok(fused <= 3 && stock >= 15, `kernel calls: fused ${fused}, stock ${stock}`);
  tf.dispose([logits, target, probs]);
});
