// The fused clip + AdamW step (fusedAdamW.ts through applyStep.ts's clipAndApply) against the stock
// path (clipByGlobalNorm + AdamW.applyGradients, FINETUNE_FAST_PATHS=0) on random variables of
// ranks 0 to 3 (weight decay on rank ≥ 2 only), over 6 steps with a changing learning rate, with
// clipping off, on but not reached, and reached; on cpu (TypeScript loops) and on wasm with the
// wasm SIMD kernel (skipped, with the reason, where the build could not compile it) and with the
// TypeScript loops. Without clipping the update is the same float32 arithmetic, so the results are
// equal to the bit; when clipping scales, the norm is summed in another order, so variables and
// moments agree within relative 1e-5. Also: against an independent float64 reference, save and
// restore mid-way, NaN gradients, missing gradients, and the switch.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { clipAndApply } from '../../../src/engine/training/applyStep';
import { AdamW } from '../../../src/engine/training/optimizer';
import type { NamedVariable, OptimizerState } from '../../../src/engine/training/optimizerTypes';
import {
  ADAMW_KERNEL_ENV_VAR,
  activeAdamWKernel,
  FUSED_ADAMW_FAST_PATH,
  fusedAdamWCounts,
  fusedAdamWPays,
  fusedAdamWUnavailableReason,
  fusedClipAdamW,
  groupBySize,
  TS_ON_WASM_MAX_ENTRIES,
} from '../../../src/engine/backends/fastPaths/fusedAdamW';
import { adamwWasmUnavailableReason } from '../../../src/engine/backends/fastPaths/wasmAdamWKernel';
import { installFastPaths } from '../../../src/engine/backends/fastPaths/installFastPaths';
import { assertCloseArrays } from './fastPathCompare';
import { mulberry32 } from '../helpers/seededRandom';

const STOCK: NodeJS.ProcessEnv = { FINETUNE_FAST_PATHS: '0' };
const FUSED: NodeJS.ProcessEnv = {};
const FUSED_TS: NodeJS.ProcessEnv = { [ADAMW_KERNEL_ENV_VAR]: 'ts' };

/** Sizes 1, 7, 15, 24, 33: every SIMD tail length. */
const SHAPES: number[][] = [[], [7], [5, 3], [2, 3, 4], [3, 11]];
const STEPS = 6;
const WEIGHT_DECAY = 0.1;

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

interface Problem {
  init: Float32Array[];
  /** grads[step][variable] */
  grads: Float32Array[][];
  lrs: number[];
}

function makeProblem(seed: number, gradScale: number): Problem {
  const rand = mulberry32(seed);
  const values = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  return {
    init: SHAPES.map((s) => values(sizeOf(s), 1)),
    grads: Array.from({ length: STEPS }, () => SHAPES.map((s) => values(sizeOf(s), gradScale))),
    lrs: Array.from({ length: STEPS }, (_, i) => 0.01 * (1 - i / (2 * STEPS))),
  };
}

interface Outcome {
  params: Float32Array[];
  state: OptimizerState;
  paths: string[];
}

function makeVars(init: readonly Float32Array[]): NamedVariable[] {
  return init.map((values, i) => ({ name: `v${i}`, variable: tf.variable(tf.tensor(values, SHAPES[i], 'float32'), true, `fusedAdamW_${i}_${Math.random()}`) }));
}

/** Steps [from, to) of `problem` on `vars` with `opt`; grads of the variables in `skip` are left out. */
function steps(opt: AdamW, vars: NamedVariable[], problem: Problem, from: number, to: number, clipNorm: number, env: NodeJS.ProcessEnv, skip: ReadonlySet<number> = new Set()): string[] {
  const paths: string[] = [];
  for (let s = from; s < to; s++) {
    opt.setLearningRate(problem.lrs[s]);
    const grads = new Map<string, tf.Tensor>();
    vars.forEach((v, i) => {
      if (!skip.has(i)) grads.set(v.name, tf.tensor(problem.grads[s][i], SHAPES[i], 'float32'));
    });
    paths.push(clipAndApply(opt, vars, grads, clipNorm, env));
    tf.dispose([...grads.values()]);
  }
  return paths;
}

async function train(problem: Problem, clipNorm: number, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const vars = makeVars(problem.init);
  const opt = new AdamW({ learningRate: problem.lrs[0], weightDecay: WEIGHT_DECAY });
  const paths = steps(opt, vars, problem, 0, STEPS, clipNorm, env);
  const outcome = { params: vars.map((v) => Float32Array.from(v.variable.dataSync())), state: await opt.getState(), paths };
  opt.dispose();
  vars.forEach((v) => v.variable.dispose());
  return outcome;
}

function assertSameBits(got: Outcome, want: Outcome, what: string): void {
  got.params.forEach((p, i) => assert.deepEqual(p, want.params[i], `${what}: variable ${i}`));
  assert.equal(got.state.step, want.state.step);
  got.state.slots.forEach((s, i) => {
    assert.deepEqual(s.m, want.state.slots[i].m, `${what}: m of ${s.name}`);
    assert.deepEqual(s.v, want.state.slots[i].v, `${what}: v of ${s.name}`);
  });
}

function assertClose(got: Outcome, want: Outcome, what: string, rtol: number): void {
  got.params.forEach((p, i) => assertCloseArrays(p, want.params[i], `${what}: variable ${i}`, rtol));
  assert.equal(got.state.step, want.state.step);
  got.state.slots.forEach((s, i) => {
    assertCloseArrays(s.m, want.state.slots[i].m, `${what}: m of ${s.name}`, rtol);
    assertCloseArrays(s.v, want.state.slots[i].v, `${what}: v of ${s.name}`, rtol);
  });
}

/** Independent float64 reference: clip by global norm (TensorFlow), then AdamW (PyTorch), decay on rank ≥ 2. */
function reference(problem: Problem, clipNorm: number): Float32Array[] {
  const p = problem.init.map((a) => Array.from(a));
  const m = p.map((a) => a.map(() => 0));
  const v = p.map((a) => a.map(() => 0));
  for (let s = 0; s < STEPS; s++) {
    const t = s + 1;
    const lr = problem.lrs[s];
    let ss = 0;
    for (const g of problem.grads[s]) for (const x of g) ss += x * x;
    const norm = Math.sqrt(ss);
    const scale = clipNorm > 0 ? clipNorm / Math.max(norm, clipNorm) : 1;
    p.forEach((pk, k) => {
      const decay = SHAPES[k].length >= 2 ? lr * WEIGHT_DECAY : 0;
      for (let i = 0; i < pk.length; i++) {
        const g = problem.grads[s][k][i] * scale;
        m[k][i] = 0.9 * m[k][i] + 0.1 * g;
        v[k][i] = 0.999 * v[k][i] + 0.001 * g * g;
        const mHat = m[k][i] / (1 - 0.9 ** t);
        const vHat = v[k][i] / (1 - 0.999 ** t);
        pk[i] = pk[i] - decay * pk[i] - (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
    });
  }
  return p.map((a) => Float32Array.from(a));
}

interface Variant {
  backend: 'cpu' | 'wasm';
  env: NodeJS.ProcessEnv;
  kernel: 'wasm-simd' | 'typescript';
}

const VARIANTS: Variant[] = [
  { backend: 'cpu', env: FUSED, kernel: 'typescript' },
  { backend: 'wasm', env: FUSED, kernel: 'wasm-simd' },
  { backend: 'wasm', env: FUSED_TS, kernel: 'typescript' },
];

/** Gradient scale 1 over 85 entries: a global norm near 5. */
const CLIPS = [
  { clipNorm: 0, what: 'no clipping', scales: false },
  { clipNorm: 100, what: 'clipping not reached', scales: false },
  { clipNorm: 1, what: 'clipping reached', scales: true },
];

for (const variant of VARIANTS) {
  const label = `${variant.backend}, ${variant.kernel} kernel`;
  const skip = variant.kernel === 'wasm-simd' ? (adamwWasmUnavailableReason() ?? false) : false;
  test(`fused step = stock step over ${STEPS} steps, ranks 0-3, with and without clipping (${label})`, { skip }, async () => {
    assert.ok(await tf.setBackend(variant.backend));
    assert.equal(activeAdamWKernel(variant.backend, variant.env).name, variant.kernel);
    for (const { clipNorm, what, scales } of CLIPS) {
      const problem = makeProblem(7 + clipNorm, 1);
      const stock = await train(problem, clipNorm, STOCK);
      assert.deepEqual(new Set(stock.paths), new Set(['stock']));
      const before = { ...fusedAdamWCounts };
      const fused = await train(problem, clipNorm, variant.env);
      assert.deepEqual(new Set(fused.paths), new Set(['fused']));
      const counter = variant.kernel === 'wasm-simd' ? 'wasmSimd' : 'typescript';
      assert.equal(fusedAdamWCounts[counter] - before[counter], STEPS, `${what}: one ${variant.kernel} kernel call per step`);
      if (scales) assertClose(fused, stock, `${label}, ${what}`, 1e-5);
      else assertSameBits(fused, stock, `${label}, ${what}`);
      // And both near the float64 reference (float32 rounding only).
      const want = reference(problem, clipNorm);
      fused.params.forEach((p, i) => assertCloseArrays(p, want[i], `${label}, ${what}: variable ${i} vs float64 reference`, 1e-5));
    }
  });

  test(`fused step: save and restore mid-way gives the same trajectory (${label})`, { skip }, async () => {
    assert.ok(await tf.setBackend(variant.backend));
    const problem = makeProblem(21, 1);
    const straight = await train(problem, 1, variant.env);
    const vars = makeVars(problem.init);
    const first = new AdamW({ learningRate: problem.lrs[0], weightDecay: WEIGHT_DECAY });
    steps(first, vars, problem, 0, 3, 1, variant.env);
    const saved = await first.getState();
    first.dispose();
    const second = new AdamW({ learningRate: problem.lrs[3], weightDecay: WEIGHT_DECAY });
    second.setState(saved);
    steps(second, vars, problem, 3, STEPS, 1, variant.env);
    const resumed = { params: vars.map((v) => Float32Array.from(v.variable.dataSync())), state: await second.getState(), paths: [] };
    assertSameBits(resumed, straight, `${label}, resumed at step 3`);
    second.dispose();
    vars.forEach((v) => v.variable.dispose());
  });

  test(`fused step: NaN gradients as the stock path, with and without clipping (${label})`, { skip }, async () => {
    assert.ok(await tf.setBackend(variant.backend));
    for (const clipNorm of [0, 1]) {
      const problem = makeProblem(5, 1);
      problem.grads[2][3][4] = Number.NaN;
      const stock = await train(problem, clipNorm, STOCK);
      const fused = await train(problem, clipNorm, variant.env);
      // Identical bits: the same NaN positions, and (without clipping) the same finite values elsewhere.
      if (clipNorm === 0) {
        assertSameBits(fused, stock, `${label}, NaN without clipping`);
        assert.ok(Number.isNaN(fused.params[3][4]) && fused.params[3].some((x) => Number.isFinite(x)) && fused.params[0].every((x) => Number.isFinite(x)));
      } else {
        // TensorFlow's rule: a non-finite global norm turns every gradient into NaN.
        for (const o of [stock, fused]) {
          for (const p of o.params) assert.ok(p.every((x) => Number.isNaN(x)), `${label}: every variable NaN after a NaN gradient with clipping`);
          for (const s of o.state.slots) assert.ok(s.m.every((x) => Number.isNaN(x)) && s.v.every((x) => Number.isNaN(x)));
        }
      }
    }
  });

  test(`fused step: a variable without a gradient and its moments stay unchanged (${label})`, { skip }, async () => {
    assert.ok(await tf.setBackend(variant.backend));
    const problem = makeProblem(9, 1);
    const vars = makeVars(problem.init);
    const opt = new AdamW({ learningRate: 0.01, weightDecay: WEIGHT_DECAY });
    // Step 1 without variable 4 (no moments yet), step 2 with all, step 3 without variables 2 and 4.
    assert.deepEqual(steps(opt, vars, problem, 0, 1, 1, variant.env, new Set([4])), ['fused']);
    assert.deepEqual(vars[4].variable.dataSync(), problem.init[4]);
    assert.deepEqual((await opt.getState()).slots.map((s) => s.name), ['v0', 'v1', 'v2', 'v3']);
    steps(opt, vars, problem, 1, 2, 1, variant.env);
    const mid = await opt.getState();
    const [p2, p4] = [Float32Array.from(vars[2].variable.dataSync()), Float32Array.from(vars[4].variable.dataSync())];
    assert.notDeepEqual(p4, problem.init[4]);
    steps(opt, vars, problem, 2, 3, 1, variant.env, new Set([2, 4]));
    const end = await opt.getState();
    assert.equal(end.step, 3);
    assert.deepEqual(vars[2].variable.dataSync(), p2);
    assert.deepEqual(vars[4].variable.dataSync(), p4);
    for (const k of [2, 4]) {
      const [a, b] = [mid.slots.find((s) => s.name === `v${k}`), end.slots.find((s) => s.name === `v${k}`)];
      assert.ok(a !== undefined && b !== undefined);
      assert.deepEqual(b.m, a.m);
      assert.deepEqual(b.v, a.v);
    }
    assert.notDeepEqual(end.slots[0].m, mid.slots[0].m);
    opt.dispose();
    vars.forEach((v) => v.variable.dispose());
  });
}

test('fused step on a real model: tf.variableGrads of a Dense model, fused and stock agree after 5 steps (wasm)', async () => {
  assert.ok(await tf.setBackend('wasm'));
  const run = (env: NodeJS.ProcessEnv): Float32Array[] => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [6], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    const x = tf.randomNormal([16, 6], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 3), 'int32'), 3);
    const vars = model.trainableWeights.map((w) => ({ name: w.originalName, variable: w.read() as tf.Variable }));
    const opt = new AdamW({ learningRate: 0.05, weightDecay: 0.01 });
    for (let s = 0; s < 5; s++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, vars.map((v) => v.variable));
        assert.equal(clipAndApply(opt, vars, new Map(vars.map((v) => [v.name, grads[v.variable.name]])), 0.5, env), env === STOCK ? 'stock' : 'fused');
      });
    }
    const out = vars.map((v) => Float32Array.from(v.variable.dataSync()));
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
    return out;
  };
  run(STOCK); // tfjs-layers keeps a few tensors of its own the first time
  const atStart = tf.memory().numTensors;
  const stock = run(STOCK);
  const afterStock = tf.memory().numTensors;
  const fused = run(FUSED);
  fused.forEach((p, i) => assertCloseArrays(p, stock[i], `weight ${i}`, 1e-5));
  assert.equal(tf.memory().numTensors - afterStock, afterStock - atStart, 'the fused run keeps no more tensors than the stock run');
});

test('the switch: FINETUNE_FAST_PATHS=0 and backends other than wasm/cpu use the stock ops; the run records fused-adamw', async () => {
  assert.ok(await tf.setBackend('cpu'));
  assert.equal(fusedAdamWUnavailableReason('cpu', FUSED), null);
  assert.equal(fusedAdamWUnavailableReason('wasm', FUSED), null);
  assert.match(fusedAdamWUnavailableReason('webgpu', FUSED) ?? '', /wasm and cpu backends only/);
  assert.match(fusedAdamWUnavailableReason('cpu', STOCK) ?? '', /FINETUNE_FAST_PATHS=0/);
  assert.match(fusedAdamWUnavailableReason('cpu', { [ADAMW_KERNEL_ENV_VAR]: 'stock' }) ?? '', /FINETUNE_ADAMW_KERNEL=stock/);
  assert.match(fusedAdamWUnavailableReason('wasm', FUSED, { core: '4.21.0', wasm: '4.21.0' }) ?? '', /written for tfjs 4\.22\.0/);
  const problem = makeProblem(3, 1);
  const before = { ...fusedAdamWCounts };
  const off = await train(problem, 1, STOCK);
  assert.deepEqual(new Set(off.paths), new Set(['stock']));
  assert.deepEqual(fusedAdamWCounts, before, 'no fused kernel call with the switch off');
  const lines: string[] = [];
  assert.ok(installFastPaths('cpu', (l) => lines.push(l), FUSED).includes(FUSED_ADAMW_FAST_PATH));
  assert.ok(lines.some((l) => l.startsWith(`Fast path ${FUSED_ADAMW_FAST_PATH}: typescript kernel`)));
  assert.ok(!installFastPaths('cpu', () => undefined, STOCK).includes(FUSED_ADAMW_FAST_PATH));
  assert.ok(!installFastPaths('webgpu', () => undefined, FUSED).includes(FUSED_ADAMW_FAST_PATH));
});

test('without the wasm kernel, wasm keeps the stock ops for variables too large for the TypeScript loops', async () => {
  assert.ok(await tf.setBackend('wasm'));
  const big = TS_ON_WASM_MAX_ENTRIES + 1;
  assert.equal(fusedAdamWPays('wasm', [10, TS_ON_WASM_MAX_ENTRIES], FUSED_TS), true);
  assert.equal(fusedAdamWPays('wasm', [10, big], FUSED_TS), false);
  assert.equal(fusedAdamWPays('cpu', [10, big], FUSED), true);
  if (adamwWasmUnavailableReason() === null) assert.equal(fusedAdamWPays('wasm', [10, big], FUSED), true);
  const vars = [{ name: 'big', variable: tf.variable(tf.zeros([big])) }, { name: 'small', variable: tf.variable(tf.zeros([3])) }];
  const grads = new Map<string, tf.Tensor>(vars.map((v) => [v.name, tf.ones(v.variable.shape)]));
  const opt = new AdamW({ learningRate: 0.1 });
  assert.equal(clipAndApply(opt, vars, grads, 1, FUSED_TS), 'stock');
  assert.equal(clipAndApply(opt, vars.slice(1), grads, 1, FUSED_TS), 'fused');
  tf.dispose([...grads.values(), ...vars.map((v) => v.variable)]);
  opt.dispose();
});

test('groupBySize: consecutive groups within the limit, a larger entry alone', () => {
  assert.deepEqual(groupBySize([3, 4, 2, 10, 1, 1], 8), [[0, 1], [2], [3], [4, 5]]);
  assert.deepEqual(groupBySize([], 8), []);
});

test('a step split over several kernel calls (the clip factor of the first reused) equals one call, to the bit', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    assert.ok(await tf.setBackend(backend));
    const results = new Map<number, Float32Array[]>();
    for (const clipNorm of [0, 1]) {
      const problem = makeProblem(31, 1);
      if (clipNorm === 1) problem.grads[0][1][2] = 5;
      const run = (maxEntries: number): Float32Array[] => {
        const tensors = problem.init.map((values, i) => tf.tensor(values, SHAPES[i], 'float32'));
        const grads = problem.grads[0].map((values, i) => tf.tensor(values, SHAPES[i], 'float32'));
        const entries = tensors.map((p, i) => ({ p, m: tf.onesLike(p), v: tf.onesLike(p), g: grads[i], decay: p.rank >= 2 }));
        const out: Float32Array[] = [];
        const step = { clipNorm, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, biasCorrection1: 0.1, biasCorrection2: 0.001, decayRate: 0.001 };
        fusedClipAdamW(entries, grads, step, (k, updated) => updated.forEach((t, j) => (out[3 * k + j] = Float32Array.from(t.dataSync()))), FUSED, maxEntries);
        tf.dispose([...tensors, ...grads, ...entries.flatMap((e) => [e.m, e.v])]);
        return out;
      };
      const before = tf.memory().numTensors;
      const calls = fusedAdamWCounts.typescript + fusedAdamWCounts.wasmSimd;
      const whole = run(1 << 22);
      const split = run(20);
      assert.equal(fusedAdamWCounts.typescript + fusedAdamWCounts.wasmSimd - calls, 1 + 4, `${backend}: 1 call, then 4 (sizes 1+7, 15, 24, 33 within 20)`);
      assert.equal(tf.memory().numTensors, before, `${backend}: no tensor leaked`);
      assert.equal(split.length, 3 * SHAPES.length);
      split.forEach((values, i) => assert.deepEqual(values, whole[i], `${backend}, clip ${clipNorm}: output ${i}`));
      results.set(clipNorm, whole);
    }
    // Clipping did scale (so the later calls used the first call's factor).
    assert.notDeepEqual(results.get(1)?.[0], results.get(0)?.[0]);
  }
});

test('the clip norm counts every gradient given, also one whose variable is not updated (as the stock clip does)', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    assert.ok(await tf.setBackend(backend));
    /** The first moment of 'a' after one step, with or without an extra gradient in the map. */
    const run = async (env: NodeJS.ProcessEnv, extra: boolean): Promise<Float32Array> => {
      const vars = [{ name: 'a', variable: tf.variable(tf.tensor1d([0.5, -0.25, 1])) }];
      const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([0.3, -0.1, 0.2])]]);
      if (extra) grads.set('unused', tf.tensor1d([4, 3]));
      const opt = new AdamW({ learningRate: 0.1 });
      assert.equal(clipAndApply(opt, vars, grads, 1, env), env === STOCK ? 'stock' : 'fused');
      const m = (await opt.getState()).slots[0].m;
      tf.dispose([...grads.values(), vars[0].variable]);
      opt.dispose();
      return m;
    };
    const [stock, fused, alone] = [await run(STOCK, true), await run(FUSED, true), await run(FUSED, false)];
    // Norm ≈ 5.01 with the extra gradient: m = 0.1 · g / 5.01; without it (norm 0.37 < 1) m = 0.1 · g.
    assertCloseArrays(fused, stock, `${backend}: m, clipped by the norm of both gradients`, 1e-6);
    assertCloseArrays(fused, Float32Array.from([0.3, -0.1, 0.2].map((g) => (0.1 * g) / Math.sqrt(0.14 + 25))), `${backend}: m vs float64`, 1e-6);
    assertCloseArrays(alone, Float32Array.from([0.03, -0.01, 0.02]), `${backend}: m without the extra gradient`, 1e-6);
  }
});
