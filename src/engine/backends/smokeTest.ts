// The one-step smoke test every backend candidate must pass before a run uses it: on the current
// backend, a tiny model (embedding gather + input, 4×3 · 3×2 matMul, softmax cross-entropy) does a
// forward pass, a backward pass and one SGD step. Loss, gradients and updated weights must be
// finite and match the same computation done here in plain JavaScript (float64). Results are
// read asynchronously: WebGPU in Node has no synchronous read.

import * as tf from '@tensorflow/tfjs';
import { errorLine } from './optionalPackage';

const X = [
  [0.1, -0.2, 0.3],
  [0.0, 0.5, -0.1],
  [0.2, 0.2, 0.2],
  [-0.3, 0.1, 0.4],
];
const W = [
  [0.2, -0.1],
  [0.4, 0.3],
  [-0.5, 0.1],
];
const E = [0, 1, 2, 3, 4].map((r) => [0, 1, 2].map((c) => (r * 3 + c) * 0.05 - 0.3));
const IDS = [1, 3, 3, 0];
const LABELS = [0, 1, 1, 0];
const LR = 0.5;
/** Loose enough for TF32 matMuls on GPUs, tight enough to catch a wrong kernel. */
const TOLERANCE = 2e-3;

interface Expected {
  loss: number;
  dW: number[];
  dE: number[];
  newW: number[];
}

function expected(): Expected {
  const n = X.length;
  const h = X.map((row, i) => row.map((v, j) => v + E[IDS[i]][j]));
  const logits = h.map((row) => [0, 1].map((k) => row.reduce((s, v, j) => s + v * W[j][k], 0)));
  let loss = 0;
  const dLogits = logits.map((z, i) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / total);
    loss -= Math.log(p[LABELS[i]]) / n;
    return p.map((v, k) => (v - (k === LABELS[i] ? 1 : 0)) / n);
  });
  const dW = W.map((row, j) => row.map((_, k) => h.reduce((s, hr, i) => s + hr[j] * dLogits[i][k], 0)));
  const dE = E.map((row) => row.map(() => 0));
  dLogits.forEach((dl, i) => {
    for (let j = 0; j < 3; j++) dE[IDS[i]][j] += dl[0] * W[j][0] + dl[1] * W[j][1];
  });
  const newW = W.map((row, j) => row.map((v, k) => v - LR * dW[j][k]));
  return { loss, dW: dW.flat(), dE: dE.flat(), newW: newW.flat() };
}

function compare(what: string, got: ArrayLike<number>, want: readonly number[]): string | null {
  if (got.length !== want.length) return `${what} has ${got.length} values, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    if (!Number.isFinite(g)) return `${what} is not finite (${g})`;
    if (Math.abs(g - want[i]) > TOLERANCE * Math.max(1, Math.abs(want[i]))) {
      return `${what}[${i}] is ${g}, expected ${want[i].toFixed(6)}`;
    }
  }
  return null;
}

async function runStep(): Promise<string | null> {
  // tidy frees the initial tensors; it never disposes variables.
  const w = tf.tidy(() => tf.variable(tf.tensor2d(W), true));
  const emb = tf.tidy(() => tf.variable(tf.tensor2d(E), true));
  try {
    const got = tf.tidy(() => {
      const x = tf.tensor2d(X);
      const ids = tf.tensor1d(IDS, 'int32');
      const labels = tf.oneHot(tf.tensor1d(LABELS, 'int32'), 2);
      const { value, grads } = tf.variableGrads(() => {
        const h = tf.add(x, tf.gather(emb, ids));
        return tf.losses.softmaxCrossEntropy(labels, tf.matMul(h, w)) as tf.Scalar;
      }, [w, emb]);
      const dW = grads[w.name];
      const dE = grads[emb.name];
      if (dW === undefined || dE === undefined) throw new Error('a gradient is missing');
      w.assign(tf.sub(w, tf.mul(dW, LR)));
      return { loss: value, dW, dE, newW: tf.clone(w) };
    });
    const [loss, dW, dE, newW] = await Promise.all([got.loss.data(), got.dW.data(), got.dE.data(), got.newW.data()]);
    tf.dispose([got.loss, got.dW, got.dE, got.newW]);
    const want = expected();
    return (
      compare('loss', loss, [want.loss]) ??
      compare('weight gradient', dW, want.dW) ??
      compare('embedding gradient', dE, want.dE) ??
      compare('updated weight', newW, want.newW)
    );
  } finally {
    w.dispose();
    emb.dispose();
  }
}

/** Runs the one-step test on the current backend: null when it passes, else why it failed. */
export async function runSmokeTest(): Promise<string | null> {
  try {
    const problem = await runStep();
    return problem === null ? null : `smoke test gave wrong numbers: ${problem}`;
  } catch (err) {
    return `smoke test failed: ${errorLine(err)}`;
  }
}
