import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { AdamW } from '../../../src/engine/training/optimizer';
import { loadOptimizer, OPTIMIZER_BIN, OPTIMIZER_JSON, saveOptimizer } from '../../../src/engine/training/optimizerFiles';
import { deserializeOptimizerState, serializeOptimizerState } from '../../../src/engine/training/optimizerSerialization';
import type { NamedVariable, OptimizerState } from '../../../src/engine/training/optimizerTypes';
import { mulberry32 } from '../helpers/seededRandom';

const SHAPES: Record<string, number[]> = { 'dense/kernel': [4, 3], 'dense/bias': [3], 'embedding/embeddings': [6, 2] };
const NAMES = Object.keys(SHAPES);
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

interface Problem {
  params: Record<string, number[]>;
  /** grads[step][name] */
  grads: Record<string, number[]>[];
  lrs: number[];
}

function makeProblem(seed: number, steps: number): Problem {
  const rand = mulberry32(seed);
  const params: Record<string, number[]> = {};
  for (const name of NAMES) params[name] = Array.from({ length: size(SHAPES[name]) }, () => rand() * 2 - 1);
  const grads = Array.from({ length: steps }, () => {
    const g: Record<string, number[]> = {};
    for (const name of NAMES) g[name] = Array.from({ length: size(SHAPES[name]) }, () => (rand() * 2 - 1) * 0.1);
    return g;
  });
  const lrs = Array.from({ length: steps }, (_, i) => 0.01 * (1 - i / (2 * steps)));
  return { params, grads, lrs };
}

interface Hyper {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/** Independent reference: Adam/AdamW (PyTorch semantics) in float64 loops. */
function referenceRun(problem: Problem, steps: number, h: Hyper): Record<string, number[]> {
  const p: Record<string, number[]> = {};
  const m: Record<string, number[]> = {};
  const v: Record<string, number[]> = {};
  for (const name of NAMES) {
    p[name] = [...problem.params[name]];
    m[name] = p[name].map(() => 0);
    v[name] = p[name].map(() => 0);
  }
  for (let s = 0; s < steps; s++) {
    const t = s + 1;
    const lr = problem.lrs[s];
    for (const name of NAMES) {
      const decay = SHAPES[name].length >= 2 ? h.weightDecay : 0;
      for (let i = 0; i < p[name].length; i++) {
        const g = problem.grads[s][name][i];
        p[name][i] -= lr * decay * p[name][i];
        m[name][i] = h.beta1 * m[name][i] + (1 - h.beta1) * g;
        v[name][i] = h.beta2 * v[name][i] + (1 - h.beta2) * g * g;
        const mHat = m[name][i] / (1 - h.beta1 ** t);
        const vHat = v[name][i] / (1 - h.beta2 ** t);
        p[name][i] -= (lr * mHat) / (Math.sqrt(vHat) + h.epsilon);
      }
    }
  }
  return p;
}

function makeVars(problem: Problem): NamedVariable[] {
  return NAMES.map((name) => ({
    name,
    variable: tf.tidy(() => tf.variable(tf.tensor(problem.params[name], SHAPES[name]), true)),
  }));
}

function runSteps(opt: AdamW, vars: NamedVariable[], problem: Problem, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    opt.setLearningRate(problem.lrs[s]);
    const grads = new Map<string, tf.Tensor>();
    for (const name of NAMES) grads.set(name, tf.tensor(problem.grads[s][name], SHAPES[name]));
    opt.applyGradients(vars, grads);
    tf.dispose([...grads.values()]);
  }
}

function disposeVars(vars: NamedVariable[]): void {
  for (const { variable } of vars) variable.dispose();
}

function assertClose(got: ArrayLike<number>, want: readonly number[], rel: number, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= rel * Math.max(1, Math.abs(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

const DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

for (const backend of ['cpu', 'wasm']) {
  for (const weightDecay of [0, 0.1]) {
    test(`${weightDecay > 0 ? 'AdamW' : 'Adam'} matches a float64 reference over 10 steps on ${backend}`, async () => {
      assert.ok(await tf.setBackend(backend));
      const problem = makeProblem(weightDecay > 0 ? 3 : 4, 10);
      const vars = makeVars(problem);
      const opt = new AdamW({ learningRate: 1, weightDecay });
      runSteps(opt, vars, problem, 0, 10);
      const want = referenceRun(problem, 10, { ...DEFAULTS, weightDecay });
      for (const { name, variable } of vars) assertClose(await variable.data(), want[name], 1e-5, name);
      // Weight decay leaves rank-1 variables alone: the bias matches plain Adam exactly.
      const adam = referenceRun(problem, 10, { ...DEFAULTS, weightDecay: 0 });
      assertClose(await vars[1].variable.data(), adam['dense/bias'], 1e-5, 'bias without decay');
      assert.equal(opt.getStep(), 10);
      opt.dispose();
      disposeVars(vars);
    });
  }
}

test('Adam (weight decay 0) matches tf.train.adam', async () => {
  assert.ok(await tf.setBackend('cpu'));
  const problem = makeProblem(5, 5);
  problem.lrs = problem.lrs.map(() => 0.01);
  const ours = makeVars(problem);
  const theirs = makeVars(problem);
  const opt = new AdamW({ learningRate: 0.01 });
  const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
  for (let s = 0; s < 5; s++) {
    const grads = new Map<string, tf.Tensor>();
    for (const name of NAMES) grads.set(name, tf.tensor(problem.grads[s][name], SHAPES[name]));
    opt.applyGradients(ours, grads);
    const named: { name: string; tensor: tf.Tensor }[] = [];
    theirs.forEach(({ name, variable }) => {
      const g = grads.get(name);
      if (g !== undefined) named.push({ name: variable.name, tensor: g });
    });
    reference.applyGradients(named);
    tf.dispose([...grads.values()]);
  }
  for (let i = 0; i < ours.length; i++) {
    const want = Array.from(await theirs[i].variable.data());
    assertClose(await ours[i].variable.data(), want, 1e-5, ours[i].name);
  }
  opt.dispose();
  reference.dispose();
  disposeVars(ours);
  disposeVars(theirs);
});

test('gradients are found by entry name, by variable name, or skipped; shapes are checked', async () => {
  assert.ok(await tf.setBackend('cpu'));
  const a = tf.variable(tf.zeros([2, 2]), true);
  const b = tf.variable(tf.zeros([2]), true);
  const opt = new AdamW({ learningRate: 0.1 });
  const g = tf.ones([2, 2]);
  opt.applyGradients([{ name: 'a', variable: a }, { name: 'b', variable: b }], { [a.name]: g });
  // Adam's first step moves each element by lr (sign of the gradient).
  assertClose(await a.data(), [-0.1, -0.1, -0.1, -0.1], 1e-6, 'a');
  assert.deepEqual(Array.from(await b.data()), [0, 0]);
  assert.equal((await opt.getState()).slots.length, 1, 'no moments for a variable without gradient');
  assert.throws(() => opt.applyGradients([{ name: 'b', variable: b }], { b: g }), /shape/);
  opt.dispose();
  tf.dispose([a, b, g]);
});

test('no tensors leak over 20 steps; dispose frees the moments', async () => {
  assert.ok(await tf.setBackend('cpu'));
  const problem = makeProblem(6, 21);
  const vars = makeVars(problem);
  const opt = new AdamW({ learningRate: 0.01, weightDecay: 0.01 });
  runSteps(opt, vars, problem, 0, 1);
  const after1 = tf.memory().numTensors;
  runSteps(opt, vars, problem, 1, 21);
  assert.equal(tf.memory().numTensors, after1);
  opt.setState(await opt.getState());
  assert.equal(tf.memory().numTensors, after1, 'setState replaces moments without leaking');
  opt.dispose();
  assert.equal(tf.memory().numTensors, after1 - 2 * NAMES.length);
  disposeVars(vars);
});

test('steps run inside an outer tf.tidy (as the trainer does) keep their moments and leak nothing', async () => {
  assert.ok(await tf.setBackend('cpu'));
  const problem = makeProblem(8, 5);
  const inTidy = makeVars(problem);
  const plain = makeVars(problem);
  const a = new AdamW({ learningRate: 0.01, weightDecay: 0.01 });
  const b = new AdamW({ learningRate: 0.01, weightDecay: 0.01 });
  const before = tf.memory().numTensors;
  for (let s = 0; s < 5; s++) tf.tidy(() => runSteps(a, inTidy, problem, s, s + 1));
  assert.equal(tf.memory().numTensors, before + 2 * NAMES.length, 'only the moments remain');
  runSteps(b, plain, problem, 0, 5);
  for (let i = 0; i < NAMES.length; i++) {
    assert.deepEqual(await inTidy[i].variable.data(), await plain[i].variable.data());
  }
  a.dispose();
  b.dispose();
  disposeVars(inTidy);
  disposeVars(plain);
});

for (const backend of ['cpu', 'wasm']) {
  test(`save mid-way and restore into a new optimizer: bit-identical to an uninterrupted run (${backend})`, async () => {
    assert.ok(await tf.setBackend(backend));
    const problem = makeProblem(7, 10);
    const hyper = { learningRate: 0.01, weightDecay: 0.05 };

    const straight = makeVars(problem);
    const optA = new AdamW(hyper);
    runSteps(optA, straight, problem, 0, 10);

    const dir = await mkdtemp(join(tmpdir(), 'finetune-opt-'));
    try {
      const first = makeVars(problem);
      const optB = new AdamW(hyper);
      runSteps(optB, first, problem, 0, 4);
      await saveOptimizer(dir, optB);
      const savedParams = await Promise.all(first.map(async ({ variable }) => new Float32Array(await variable.data())));
      optB.dispose();
      disposeVars(first);

      const json: unknown = JSON.parse(await readFile(join(dir, OPTIMIZER_JSON), 'utf8'));
      assert.equal((await readFile(join(dir, OPTIMIZER_BIN))).length, 2 * 4 * NAMES.reduce((s, n) => s + size(SHAPES[n]), 0));
      assert.ok(typeof json === 'object' && json !== null && (json as { step?: unknown }).step === 4);

      const resumed = NAMES.map((name, i) => ({
        name,
        variable: tf.tidy(() => tf.variable(tf.tensor(savedParams[i], SHAPES[name]), true)),
      }));
      const optC = new AdamW(hyper);
      await loadOptimizer(dir, optC);
      assert.equal(optC.getStep(), 4);
      runSteps(optC, resumed, problem, 4, 10);
      for (let i = 0; i < NAMES.length; i++) {
        assert.deepEqual(await resumed[i].variable.data(), await straight[i].variable.data(), NAMES[i]);
      }
      const stateA = await optA.getState();
      const stateC = await optC.getState();
      assert.deepEqual(stateC, stateA);
      optC.dispose();
      disposeVars(resumed);
    } finally {
      await rm(dir, { recursive: true, force: true });
      optA.dispose();
      disposeVars(straight);
    }
  });
}

test('serialization round-trips exactly and rejects malformed input', () => {
  const state: OptimizerState = {
    step: 3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    weightDecay: 0.01,
    slots: [
      { name: 'w', shape: [2, 2], m: Float32Array.of(1.5, -0, 3e-39, -7), v: Float32Array.of(0, 1e-30, 2, 4) },
      { name: 'scalar', shape: [], m: Float32Array.of(0.1), v: Float32Array.of(0.2) },
    ],
  };
  const { json, buffer } = serializeOptimizerState(state);
  assert.equal(buffer.length, 8 * 5);
  const back = deserializeOptimizerState(JSON.parse(JSON.stringify(json)), buffer);
  assert.deepEqual(back, state);
  assert.ok(Object.is(back.slots[0].m[1], -0));
  assert.throws(() => deserializeOptimizerState({ ...json, format: 'other' }, buffer), /format/);
  assert.throws(() => deserializeOptimizerState(json, buffer.subarray(0, 20)), /outside the buffer/);
  assert.throws(() => deserializeOptimizerState({ ...json, slots: [{ ...json.slots[0], shape: [3] }] }, buffer), /shape/);
  assert.throws(() => deserializeOptimizerState({ ...json, step: -1 }, buffer), /step/);
  assert.throws(() => deserializeOptimizerState('nope', buffer), /not an object/);
});

test('invalid hyperparameters are refused', () => {
  assert.throws(() => new AdamW({ learningRate: -1 }), /learningRate/);
  assert.throws(() => new AdamW({ learningRate: 0.1, beta1: 1 }), /beta1/);
  assert.throws(() => new AdamW({ learningRate: 0.1, weightDecay: Number.NaN }), /weightDecay/);
});
