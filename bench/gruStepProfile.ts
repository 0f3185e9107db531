// node --import tsx bench/gruStepProfile.ts [lora|adapter|full] [--kernels]: where the time of one
// nn-sentiment training step goes on tfjs-wasm (batch 32, 100 tokens, a 2-class Dense head, AdamW),
// with the CPU fast paths as FINETUNE_FAST_PATHS says. Prints median CPU ms of the forward pass
// alone, of forward + gradients, and of the whole step (with the optimizer), over 12 steps after
// 3 of warm-up; with --kernels also the tfjs kernels of one step by total time. A benchmark, not a test.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadNnSentimentBase } from '../src/engine/models/textModel';
import { applyTechnique } from '../src/engine/techniques/applyTechnique';
import { AdamW } from '../src/engine/training/optimizer';
import { clipAndApply } from '../src/engine/training/applyStep';
import { registerSegmentSumKernels } from '../src/engine/backends/unsortedSegmentSum';
import { installFastPaths } from '../src/engine/backends/fastPaths/installFastPaths';
import type { TechniqueName } from '../src/protocol/configTypes';
import { cpuMs, median } from './microTiming';

async function main(): Promise<void> {
  const technique = (process.argv[2] ?? 'lora') as TechniqueName;
  await tf.setBackend('wasm');
  registerSegmentSumKernels();
  const fastPaths = installFastPaths('wasm', () => undefined);
  const bundle = await loadNnSentimentBase();
  const base = await applyTechnique(bundle.base, technique, {
    lora: { rank: 8, alpha: 16, dropout: 0, targets: [] },
    adapter: { size: 16, activation: 'relu', after: [] },
    seed: 1,
    defaults: bundle.defaults,
  });
  const head = tf.sequential({ layers: [tf.layers.dense({ inputShape: [bundle.featureSize], units: 2, activation: 'softmax' })] });
  const batch = 32;
  const x = tf.tensor2d(Float32Array.from({ length: batch * 100 }, (_, i) => (i % 100 < 30 + (i % 7) * 9 ? 1 + ((i * 7919) % 20000) : 0)), [batch, 100]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 2), 'int32'), 2);
  const vars = [...base.trainableWeights, ...head.trainableWeights].map((w) => ({ name: w.name, variable: w.read() as tf.Variable }));
  const optimizer = new AdamW({ learningRate: 1e-3 });
  const loss = (): tf.Scalar => tf.losses.softmaxCrossEntropy(y, head.apply(base.apply(x, { training: true })) as tf.Tensor) as tf.Scalar;
  const forwardOnly = (): void => tf.tidy(() => void (head.apply(base.apply(x, { training: true })) as tf.Tensor).dataSync());
  const withGrads = (): void =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, vars.map((v) => v.variable));
      value.dataSync();
      tf.dispose(grads);
    });
  const step = (): void =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, vars.map((v) => v.variable));
      clipAndApply(optimizer, vars, new Map(vars.map((v) => [v.name, grads[v.variable.name]])), 0);
      value.dataSync();
    });
  const time = (f: () => void): number => {
    for (let i = 0; i < 3; i++) f();
    const ms: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t0 = cpuMs();
      f();
      ms.push(cpuMs() - t0);
    }
    return Math.round(median(ms) * 10) / 10;
  };
  const result: Record<string, unknown> = { technique, fastPaths, forwardMs: time(forwardOnly), forwardGradsMs: time(withGrads), stepMs: time(step) };
  console.log(JSON.stringify(result));
  if (process.argv.includes('--kernels')) {
    const profile = await tf.profile(step);
    const byName = new Map<string, { ms: number; calls: number }>();
    for (const k of profile.kernels) {
      const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      e.calls++;
      byName.set(k.name, e);
    }
    const rows = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
    for (const [name, e] of rows) console.log(`${e.ms.toFixed(2).padStart(8)} ms ${String(e.calls).padStart(6)} calls  ${name}`);
    console.log(`kernel calls in one step: ${profile.kernels.length}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
