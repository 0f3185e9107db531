// Our side of a bench step case: a hand-built model (the shapes of the first measurements)
// trained step by step the way the trainer does it (tf.variableGrads, clipping to global norm 1 and
// the engine's AdamW through applyStep.ts, reading the loss back), after the backend is chosen and
// the fast paths installed as a run installs them.
//   mlp:       Dense(256→512, relu) → Dense(512, relu) → Dense(10, softmax), batch 64, cross-entropy.
//   attention: Dense q, k, v (128→128) → HfSelfAttention (4 heads, no padding) → Dense o, over
//              8 × 64 tokens; loss mean(out²).

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backends/selectBackend';
import { registerSegmentSumKernels } from '../src/engine/backends/unsortedSegmentSum';
import { installFastPaths } from '../src/engine/backends/fastPaths/installFastPaths';
import { activeGruKernel } from '../src/engine/backends/fastPaths/fusedBidirectionalGru';
import { HfSelfAttention } from '../src/engine/models/hf/hfSelfAttention';
import { STEP_SHAPES, type StepCase } from './benchCases';
import type { OursResult } from './oursRunCase';
import { stepCaseHead, timeTrainingSteps } from './oursStepLoop';

interface Built {
  model: tf.LayersModel;
  loss: () => tf.Scalar;
}

function buildMlp(batch: number): Built {
  const { input, widths, classes } = STEP_SHAPES.mlp;
  const x = tf.randomNormal([batch, input], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32'), classes);
  const inp = tf.input({ shape: [input] });
  let h: tf.SymbolicTensor = inp;
  for (const units of widths) h = tf.layers.dense({ units, activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: classes, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: inp, outputs: out });
  const loss = (): tf.Scalar => {
    const p = model.apply(x, { training: true }) as tf.Tensor;
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1))) as tf.Scalar;
  };
  return { model, loss };
}

function buildAttention(batch: number): Built {
  const { seq, hidden, heads } = STEP_SHAPES.attention;
  const x = tf.randomNormal([batch, seq, hidden], 0, 1, 'float32', 1);
  const ids = tf.ones([batch, seq]);
  const xIn = tf.input({ shape: [seq, hidden] });
  const idsIn = tf.input({ shape: [seq] });
  const dense = (): tf.layers.Layer => tf.layers.dense({ units: hidden, kernelInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 2 }) });
  const [q, k, v] = [dense(), dense(), dense()].map((d) => d.apply(xIn) as tf.SymbolicTensor);
  const context = new HfSelfAttention({ numHeads: heads, padTokenId: 0 }).apply([q, k, v, idsIn]) as tf.SymbolicTensor;
  const out = dense().apply(context) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [xIn, idsIn], outputs: out });
  const loss = (): tf.Scalar => tf.mean(tf.square(model.apply([x, ids], { training: true }) as tf.Tensor)) as tf.Scalar;
  return { model, loss };
}

export async function runOursStepCase(c: StepCase, backendName: 'wasm' | 'cpu'): Promise<OursResult> {
  const backend = await selectBackend(backendName, () => undefined);
  registerSegmentSumKernels();
  const fastPaths = installFastPaths(backend.name, () => undefined);
  const built = c.shape === 'mlp' ? buildMlp(c.batchSize) : buildAttention(c.batchSize);
  const { clock, trainableParams: trainable } = await timeTrainingSteps(built.model, built.loss, c.warmup, c.steps);
  const shape =
    c.shape === 'mlp'
      ? { input: STEP_SHAPES.mlp.input, classes: STEP_SHAPES.mlp.classes, trainRows: c.batchSize, valRows: 0 }
      : { seq: STEP_SHAPES.attention.seq, classes: 0, trainRows: c.batchSize, valRows: 0 };
  return {
    ...stepCaseHead(c.name, { backend: backend.name, fastPaths, gruKernel: activeGruKernel().name, threads: 1, batchSize: c.batchSize }, clock),
    trainableParams: trainable,
    shape,
  };
}
