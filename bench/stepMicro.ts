// node --import tsx bench/stepMicro.ts: whole training steps on tfjs-wasm (forward, backward, Adam),
// stock BatchMatMul against the wasm-transposed-matmul fast path, rounds interleaved: a Dense MLP
// and a self-attention block. One JSON line per model: median CPU ms per step of each, and the
// speed-up. A benchmark, not a test.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { disableWasmMatMulOverride, enableWasmMatMulOverride } from '../src/engine/backends/fastPaths/wasmMatMulOverride';
import { cpuMs, median } from './microTiming';

interface StepCase {
  name: string;
  /** Builds the model; returns the loss of one batch and the variables it trains. */
  build: () => { loss: () => tf.Scalar; vars: tf.Variable[] };
}

const rand = (shape: number[], scale = 0.1): tf.Variable => tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1), scale));

const CASES: StepCase[] = [
  {
    name: 'mlp 256-512-512-10, batch 64 (tf.layers.dense, relu, bias)',
    build: () => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [256], units: 512, activation: 'relu' }),
          tf.layers.dense({ units: 512, activation: 'relu' }),
          tf.layers.dense({ units: 10 }),
        ],
      });
      const x = tf.randomNormal([64, 256]);
      const y = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), 'int32'), 10);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      return { loss: () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, vars };
    },
  },
  {
    name: 'attention block: batch 8, 64 tokens, d 128, 4 heads (tf ops)',
    build: () => {
      const [b, t, d, h] = [8, 64, 128, 4];
      const x = tf.randomNormal([b, t, d]);
      const [wq, wk, wv, wo] = [0, 1, 2, 3].map(() => rand([d, d]));
      const heads = (m: tf.Tensor): tf.Tensor => tf.reshape(tf.transpose(tf.reshape(m, [b, t, h, d / h]), [0, 2, 1, 3]), [b * h, t, d / h]);
      const loss = (): tf.Scalar => {
        const flat = tf.reshape(x, [b * t, d]);
        const [q, k, v] = [wq, wk, wv].map((w) => heads(tf.matMul(flat, w)));
        const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d / h)));
        const ctx = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v), [b, h, t, d / h]), [0, 2, 1, 3]), [b * t, d]);
        return tf.mean(tf.square(tf.matMul(ctx, wo)));
      };
      return { loss, vars: [wq, wk, wv, wo] };
    },
  },
];

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  for (const c of CASES) {
    const { loss, vars } = c.build();
    const optimizer = tf.train.adam(1e-3);
    const step = (): void => tf.dispose(optimizer.minimize(loss, true, vars) ?? []);
    const times: Record<'stock' | 'fast', number[]> = { stock: [], fast: [] };
    for (let round = 0; round < 7; round++) {
      for (const mode of ['stock', 'fast'] as const) {
        if (mode === 'fast') {
          const reason = enableWasmMatMulOverride();
          if (reason !== null) throw new Error(reason);
        } else disableWasmMatMulOverride();
        step();
        const start = cpuMs();
        for (let i = 0; i < 5; i++) step();
        times[mode].push((cpuMs() - start) / 5);
      }
    }
    disableWasmMatMulOverride();
    const stockMs = median(times.stock);
    const fastMs = median(times.fast);
    console.log(JSON.stringify({ step: c.name, stockCpuMs: Math.round(stockMs * 10) / 10, fastCpuMs: Math.round(fastMs * 10) / 10, speedup: Math.round((stockMs / fastMs) * 100) / 100 }));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
