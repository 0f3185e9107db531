// Our side of the MLP step case (mlp-256-512-512-10/full) with data-parallel workers: the same
// Dense(256→512, relu) → Dense(512, relu) → Dense(10, softmax) on a fixed batch, trained as the
// trainer trains it (batchLoss's cross-entropy, clipAndApply to global norm 1), the gradients
// computed on one thread (workers 1) or summed over `workers` shards by the worker pool
// (src/engine/training/parallel/workerPool.ts: the main thread + workers−1 worker threads).
// `npm run bench -- --only mlp-256-512-512-10/full --workers 2` (and --workers 1 for the same
// code on one thread) measure the speed-up. The line's `threadTimes` gives, per thread and step, the
// ms on a core and the ms waiting for one (parallel/threadTimes.ts): what each thread costs, apart
// from the load other processes put on the machine.

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backends/selectBackend';
import { registerSegmentSumKernels } from '../src/engine/backends/unsortedSegmentSum';
import { installFastPaths } from '../src/engine/backends/fastPaths/installFastPaths';
import { activeGruKernel } from '../src/engine/backends/fastPaths/fusedBidirectionalGru';
import { AdamW } from '../src/engine/training/optimizer';
import { clipAndApply } from '../src/engine/training/applyStep';
import { batchLoss, forward, type ModelPair } from '../src/engine/training/forward';
import type { LabelCodec } from '../src/engine/training/labels';
import { trainableVariables } from '../src/engine/training/trainer';
import { WorkerPool } from '../src/engine/training/parallel/workerPool';
import { perStep, readThreadTimes, type ThreadTimes } from '../src/engine/training/parallel/threadTimes';
import { STEP_SHAPES, type StepCase } from './benchCases';
import type { OursResult } from './oursRunCase';
import { StepClock } from './stepClock';
import { stepCaseHead } from './oursStepLoop';

function mlpPair(): ModelPair {
  const { input, widths, classes } = STEP_SHAPES.mlp;
  const inp = tf.input({ shape: [input] });
  let h: tf.SymbolicTensor = inp;
  for (const units of widths) h = tf.layers.dense({ units, activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  const featuresIn = tf.input({ shape: [widths[widths.length - 1]] });
  const out = tf.layers.dense({ units: classes, activation: 'softmax' }).apply(featuresIn) as tf.SymbolicTensor;
  return { base: tf.model({ inputs: inp, outputs: h }), head: tf.model({ inputs: featuresIn, outputs: out }) };
}

export async function runOursParallelStepCase(c: StepCase, backendName: 'wasm' | 'cpu', workers: number): Promise<OursResult & { threadTimes: { main: ThreadTimes | null; workers: (ThreadTimes | null)[] } }> {
  if (c.shape !== 'mlp') throw new Error(`--workers runs the mlp step case only, not ${c.name}`);
  const backend = await selectBackend(backendName, () => undefined);
  registerSegmentSumKernels();
  const fastPaths = installFastPaths(backend.name, () => undefined);
  const { input, classes } = STEP_SHAPES.mlp;
  const batch = c.batchSize;
  const codec: LabelCodec = { task: 'tabular-classification', classes: Array.from({ length: classes }, (_, i) => `c${i}`), scaling: null };
  const x = tf.randomNormal([batch, input], 0, 1, 'float32', 1) as tf.Tensor2D;
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32'), classes).toFloat() as tf.Tensor2D;
  const models = mlpPair();
  const vars = trainableVariables(models, true);
  const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
  const rows = Array.from({ length: batch }, (_, i) => i);
  const pool = workers > 1 ? await WorkerPool.start({ participants: workers, backend: backend.name === 'cpu' ? 'cpu' : 'wasm', models, throughBase: true, codec, classWeights: null, x, y, vars }) : null;
  const clock = new StepClock(c.warmup + 1);
  clock.step(0);
  const times = (): { main: ThreadTimes | null; workers: (ThreadTimes | null)[] } => pool?.threadTimes() ?? { main: readThreadTimes(), workers: [] };
  let first = times();
  let last = first;
  try {
    for (let i = 0; i < c.warmup + c.steps; i++) {
      if (i === c.warmup) first = times();
      let lossValue: tf.Scalar;
      if (pool !== null) {
        const shared = await pool.step(rows, i);
        lossValue = tf.tidy(() => {
          clipAndApply(optimizer, vars, shared.grads, 1);
          return tf.scalar(shared.loss);
        });
        for (const g of shared.grads.values()) g.dispose();
      } else {
        lossValue = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => batchLoss(codec, forward(models, x, true, true, i), y, null), vars.map((v) => v.variable));
          clipAndApply(optimizer, vars, new Map(vars.map((v) => [v.name, grads[v.variable.name]])), 1);
          return value;
        });
      }
      await lossValue.data();
      lossValue.dispose();
      clock.step(0);
    }
    last = times();
  } finally {
    await pool?.close();
  }
  // Per thread and step: ms on a core (runMs) and ms runnable but waiting for one (waitMs, other processes' load).
  const threadTimes = { main: perStep(first.main, last.main, c.steps), workers: last.workers.map((t, k) => perStep(first.workers[k] ?? null, t, c.steps)) };
  return {
    ...stepCaseHead(c.name, { backend: backend.name, fastPaths, gruKernel: activeGruKernel().name, threads: Math.max(1, workers), batchSize: batch }, clock),
    threadTimes,
    trainableParams: vars.reduce((n, v) => n + v.variable.size, 0),
    shape: { input, classes, trainRows: batch, valRows: 0 },
  };
}
