// The timed step loop of our single-thread bench step cases: a model trained step by step the way
// the trainer does it (tf.variableGrads, clipping to global norm 1 and the engine's AdamW through
// applyStep.ts, reading the loss back), timed by a StepClock.

import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../src/engine/training/optimizer';
import { clipAndApply } from '../src/engine/training/applyStep';
import type { OursResult } from './oursRunCase';
import { StepClock } from './stepClock';

/** Runs `warmup + steps` training steps of `model` on `loss`; the clock timed the last `steps`. */
export async function timeTrainingSteps(
  model: tf.LayersModel,
  loss: () => tf.Scalar,
  warmup: number,
  steps: number,
): Promise<{ clock: StepClock; trainableParams: number }> {
  const vars = model.trainableWeights.map((w, i) => ({ name: `${i}/${w.originalName}`, variable: w.read() as tf.Variable }));
  const varList = vars.map((v) => v.variable);
  const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
  // The clock's first mark is the start of the first step, so the warm-up steps are warmup + 1 marks.
  const clock = new StepClock(warmup + 1);
  clock.step(0);
  for (let i = 0; i < warmup + steps; i++) {
    const lossValue = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, varList);
      const named = new Map<string, tf.Tensor>(vars.map((v) => [v.name, grads[v.variable.name]]));
      clipAndApply(optimizer, vars, named, 1);
      return value;
    });
    await lossValue.data();
    lossValue.dispose();
    clock.step(0);
  }
  return { clock, trainableParams: vars.reduce((n, v) => n + v.variable.size, 0) };
}

/** The fields a step case's result line starts with: what ran, on what, its timings and peak memory now. */
export function stepCaseHead(
  bench: string,
  run: { backend: string; fastPaths: string[]; gruKernel: string; threads: number; batchSize: number },
  clock: StepClock,
): Omit<OursResult, 'trainableParams' | 'shape'> {
  return {
    bench,
    side: 'ours',
    backend: run.backend,
    fastPaths: run.fastPaths,
    gruKernel: run.gruKernel,
    threads: run.threads,
    batchSize: run.batchSize,
    ...clock.timings(run.batchSize),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
