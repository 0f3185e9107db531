// Where GPU time goes for TensorFlow.js in Node: the cost of one small kernel call (a chain of
// adds on 256 floats, one read at the end), the latency of one read back to the CPU, and the
// throughput of large matrix products. Printed as one JSON line for the current backend.

import * as tf from '@tensorflow/tfjs';

async function msPer(repeats: number, body: () => Promise<void>): Promise<number> {
  await body();
  const started = performance.now();
  for (let i = 0; i < repeats; i++) await body();
  return (performance.now() - started) / repeats;
}

export async function measureOverhead(): Promise<Record<string, number | string>> {
  // 4096 floats: above WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD, so the adds really run on the GPU.
  const small = tf.ones([4096]);
  const chain = 500;
  const perChain = await msPer(3, async () => {
    let x = small;
    const made: tf.Tensor[] = [];
    for (let i = 0; i < chain; i++) {
      x = tf.add(x, small);
      made.push(x);
    }
    await x.data();
    tf.dispose(made);
  });
  const readMs = await msPer(30, async () => {
    const y = tf.add(small, small);
    await y.data();
    y.dispose();
  });
  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const matMulMs = await msPer(3, async () => {
    let y = tf.matMul(a, a);
    for (let i = 0; i < 9; i++) {
      const next = tf.matMul(y, a);
      y.dispose();
      y = next;
    }
    await y.data();
    y.dispose();
  });
  tf.dispose([small, a]);
  return {
    backend: tf.getBackend(),
    smallOpMs: Math.round((perChain / chain) * 1000) / 1000,
    readLatencyMs: Math.round(readMs * 100) / 100,
    matMul1024GflopPerS: Math.round((10 * 2 * n * n * n) / (matMulMs * 1e6)),
  };
}
