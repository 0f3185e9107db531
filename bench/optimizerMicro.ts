// node --import tsx bench/optimizerMicro.ts [--backend wasm|cpu]: the optimizer half of a training
// step alone (clip by global norm 1 + AdamW with weight decay, applyStep.ts's clipAndApply), stock
// ops (FINETUNE_FAST_PATHS=0) against the fused kernel (wasm SIMD and TypeScript), rounds
// interleaved, on the variable shapes of three bench models: the mlp/full case's Dense MLP, the
// step case's 256-512-512-10 MLP and the bench's BERT-mini (4 layers, hidden 256, vocabulary ~8,000).
// One JSON line per model: median CPU ms per step of each, and kernel calls per step. A benchmark,
// not a test.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { clipAndApply } from '../src/engine/training/applyStep';
import { AdamW } from '../src/engine/training/optimizer';
import type { NamedVariable } from '../src/engine/training/optimizerTypes';
import { ADAMW_KERNEL_ENV_VAR } from '../src/engine/backends/fastPaths/fusedAdamW';
import { cpuMs, median } from './microTiming';

function bertMiniShapes(): number[][] {
  const h = 256;
  const shapes: number[][] = [[8045, h], [512, h], [2, h], [h], [h]];
  for (let l = 0; l < 4; l++) {
    for (let i = 0; i < 4; i++) shapes.push([h, h], [h]);
    shapes.push([h], [h], [h, 4 * h], [4 * h], [4 * h, h], [h], [h], [h]);
  }
  shapes.push([h, h], [h], [h, 2], [2]);
  return shapes;
}

const MODELS: { name: string; shapes: number[][]; rounds: number }[] = [
  { name: 'mlp/full (Dense 12-64-32-3)', shapes: [[12, 64], [64], [64, 32], [32], [32, 3], [3]], rounds: 300 },
  { name: 'mlp-256-512-512-10', shapes: [[256, 512], [512], [512, 512], [512], [512, 10], [10]], rounds: 100 },
  { name: 'bert-mini full', shapes: bertMiniShapes(), rounds: 15 },
];

const ENVS: Record<string, NodeJS.ProcessEnv> = {
  stock: { FINETUNE_FAST_PATHS: '0' },
  'fused-wasm-simd': {},
  'fused-typescript': { [ADAMW_KERNEL_ENV_VAR]: 'ts' },
};

async function main(): Promise<void> {
  const backendArg = process.argv.indexOf('--backend');
  const backend = backendArg > 0 ? process.argv[backendArg + 1] : 'wasm';
  await tf.setBackend(backend);
  const envs = backend === 'wasm' ? ENVS : { stock: ENVS.stock, 'fused-typescript': ENVS['fused-typescript'] };
  for (const model of MODELS) {
    const vars: NamedVariable[] = model.shapes.map((s, i) => ({ name: `v${i}`, variable: tf.variable(tf.randomNormal(s, 0, 0.1, 'float32', i)) }));
    const grads = new Map<string, tf.Tensor>(vars.map((v, i) => [v.name, tf.randomNormal(v.variable.shape, 0, 1, 'float32', 100 + i)]));
    const optimizers = Object.fromEntries(Object.keys(envs).map((k) => [k, new AdamW({ learningRate: 1e-4, weightDecay: 0.01 })]));
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(envs).map((k) => [k, []]));
    const calls: Record<string, number> = {};
    for (let r = 0; r < model.rounds + 2; r++) {
      for (const [k, env] of Object.entries(envs)) {
        let kernels = 0;
        const t0 = cpuMs();
        const profile = r === 0 ? await tf.profile(() => void clipAndApply(optimizers[k], vars, grads, 1, env)) : null;
        if (profile === null) clipAndApply(optimizers[k], vars, grads, 1, env);
        else kernels = profile.kernels.length;
        const ms = cpuMs() - t0;
        if (r === 0) calls[k] = kernels;
        else if (r > 1) times[k].push(ms);
      }
    }
    const result: Record<string, unknown> = { model: model.name, backend, variables: vars.length, weights: vars.reduce((n, v) => n + v.variable.size, 0) };
    for (const k of Object.keys(envs)) result[k] = { cpuMsPerStep: Number(median(times[k]).toFixed(3)), kernelCallsPerStep: calls[k] };
    console.log(JSON.stringify(result));
    Object.values(optimizers).forEach((o) => o.dispose());
    tf.dispose([...grads.values(), ...vars.map((v) => v.variable)]);
  }
}

void main();
