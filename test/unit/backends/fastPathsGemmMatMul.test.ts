// The GEMM route of the wasm matMul fast path (gemmMatMul.ts, transposedMatMulKernel.ts,
// wasmGemmFusedMatMul.ts) against tf.matMul / tf.fused.matMul on the cpu backend, an independent
// implementation: each transpose combination, odd sizes, K not a multiple of 4, batched and
// broadcast batches, bias and ReLU (with transposeB too, where stock tfjs-wasm 4.22 adds the wrong
// bias column), gradients; the GEMM really runs (route counts), falls back to
// the stock kernel where it does not apply (ELU, a reused constant b of few rows), and with the
// GEMM switched off the XNNPACK re-route gives the same results. Skipped where the kernel is not built.

import { test, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { disableWasmMatMulOverride, enableWasmMatMulOverride } from '../../../src/engine/backends/fastPaths/wasmMatMulOverride';
import { matMulRouteCounts } from '../../../src/engine/backends/fastPaths/transposedMatMulKernel';
import { fusedMatMulGemmCount } from '../../../src/engine/backends/fastPaths/wasmGemmFusedMatMul';
import { gemmWasmUnavailableReason } from '../../../src/engine/backends/fastPaths/wasmGemmKernel';
import { MIN_GEMM_FLOPS, setWasmGemmEnabled } from '../../../src/engine/backends/fastPaths/gemmMatMul';
import { matMulDims } from '../../../src/engine/backends/fastPaths/matMulPlan';
import { mulberry32 } from '../helpers/seededRandom';
import { adamSoftmaxSteps } from '../helpers/adamSteps';

const skip = gemmWasmUnavailableReason() ?? false;
const RTOL = 1e-5;

function values(shape: number[], rand: () => number): Float32Array {
  const size = shape.reduce((p, d) => p * d, 1);
  return Float32Array.from({ length: size }, () => rand() * 2 - 1);
}

/** Element-wise |got − want| ≤ RTOL · max(|want|, rms(want)). */
function assertClose(got: Float32Array | Int32Array | Uint8Array, want: Float32Array | Int32Array | Uint8Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: size`);
  let ss = 0;
  for (const v of want) ss += v * v;
  const rms = Math.sqrt(ss / Math.max(1, want.length));
  for (let i = 0; i < want.length; i++) {
    const tol = RTOL * Math.max(Math.abs(want[i]), rms);
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}: index ${i}: ${got[i]} vs ${want[i]}`);
  }
}

/** Runs f on the cpu backend and returns its values (the backend is set back to wasm). */
async function onCpu(f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const t = f();
  const v = t.dataSync() as Float32Array;
  t.dispose();
  await tf.setBackend('wasm');
  return v;
}

function swapLast(shape: number[]): number[] {
  const s = [...shape];
  const r = s.length;
  [s[r - 2], s[r - 1]] = [s[r - 1], s[r - 2]];
  return s;
}

before(async () => {
  assert.ok(await tf.setBackend('wasm'), 'wasm initializes');
  await tf.ready();
});

afterEach(() => {
  setWasmGemmEnabled(true);
  disableWasmMatMulOverride();
});

/** [a, b] of the untransposed product. */
const CASES: Array<[number[], number[]]> = [
  [[1, 1], [1, 1]],
  [[3, 5], [5, 7]],
  [[33, 17], [17, 70]],
  [[9, 259], [259, 13]],
  [[130, 6], [6, 520]],
  [[5, 40, 30], [30, 20]],
  [[4, 40, 30], [4, 30, 20]],
  [[40, 30], [3, 30, 20]],
  [[1, 40, 30], [3, 30, 20]],
  [[2, 3, 7, 11], [2, 3, 11, 6]],
  [[2, 3, 7, 11], [11, 6]],
];

test('tf.matMul: every transpose combination and batch layout matches the cpu backend and runs the GEMM', { skip }, async () => {
  const rand = mulberry32(5);
  assert.equal(enableWasmMatMulOverride(), null);
  const gemmBefore = matMulRouteCounts.gemm;
  for (const [aBase, bBase] of CASES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const aShape = ta ? swapLast(aBase) : aBase;
        const bShape = tb ? swapLast(bBase) : bBase;
        const av = values(aShape, rand);
        const bv = values(bShape, rand);
        const got = tf.tidy(() => tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), ta, tb).dataSync());
        const want = await onCpu(() => tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), ta, tb));
        assertClose(got, want, `a [${aShape}] b [${bShape}] ta=${ta} tb=${tb}`);
      }
    }
  }
  // Every case above the size threshold ran the GEMM (and some are below it).
  const big = CASES.filter(([a, b]) => {
    const d = matMulDims(a, b, false, false);
    return d !== null && 2 * d.batch * d.m * d.k * d.n >= MIN_GEMM_FLOPS;
  });
  assert.ok(big.length >= CASES.length - 2 && big.length < CASES.length);
  assert.equal(matMulRouteCounts.gemm - gemmBefore, big.length * 4);
});

test('tf.fused.matMul: bias and ReLU/linear through the GEMM, ELU through the stock kernel, all matching cpu', { skip }, async () => {
  const rand = mulberry32(9);
  assert.equal(enableWasmMatMulOverride(), null);
  const shapes: Array<[number, number, number]> = [
    [7, 13, 45],
    [64, 33, 20],
    [5, 300, 11],
  ];
  for (const [m, k, n] of shapes) {
    for (const activation of ['linear', 'relu', 'elu'] as const) {
      for (const tb of [false, true]) {
        const bShape = tb ? [n, k] : [k, n];
        const av = values([m, k], rand);
        const bv = values(bShape, rand);
        const biasV = values([n], rand);
        const run = (): tf.Tensor =>
          tf.fused.matMul({ a: tf.tensor(av, [m, k]), b: tf.tensor(bv, bShape), transposeB: tb, bias: tf.tensor(biasV, [n]), activation });
        const counts = { ...fusedMatMulGemmCount };
        const got = tf.tidy(() => run().dataSync());
        assert.equal(fusedMatMulGemmCount.gemm - counts.gemm, activation === 'elu' ? 0 : 1, `${activation}: route`);
        if (activation === 'elu') {
          // The stock kernel, which gets it wrong with transposeB and a bias (tfjs-wasm 4.22 adds
          // bias[wrong column] off its XNNPACK path): ours must hand it over untouched.
          disableWasmMatMulOverride();
          const stock = tf.tidy(() => run().dataSync());
          assert.equal(enableWasmMatMulOverride(), null);
          assertClose(got, stock, `[${m},${k},${n}] elu tb=${tb} vs stock`);
          continue;
        }
        const want = await onCpu(run);
        assertClose(got, want, `[${m},${k},${n}] ${activation} tb=${tb}`);
      }
    }
  }
});

test('gradients of a fused matMul + bias + ReLU match the cpu backend', { skip }, async () => {
  const rand = mulberry32(13);
  assert.equal(enableWasmMatMulOverride(), null);
  const [m, k, n] = [19, 37, 23];
  const av = values([m, k], rand);
  const bv = values([k, n], rand);
  const biasV = values([n], rand);
  const dyV = values([m, n], rand);
  const grads = (): tf.Tensor[] =>
    tf.grads((a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => tf.fused.matMul({ a, b, bias, activation: 'relu' }))(
      [tf.tensor(av, [m, k]), tf.tensor(bv, [k, n]), tf.tensor(biasV, [n])],
      tf.tensor(dyV, [m, n]),
    );
  const before = matMulRouteCounts.gemm;
  const got = tf.tidy(() => grads().map((g) => g.dataSync()));
  assert.ok(matMulRouteCounts.gemm - before >= 2, 'the backward matMuls ran the GEMM');
  for (let i = 0; i < 3; i++) {
    const want = await onCpu(() => grads()[i]);
    assertClose(got[i], want, `gradient ${i}`);
  }
});

test('a constant b reused by an untransposed product of few rows goes to XNNPACK from its second use', { skip }, () => {
  assert.equal(enableWasmMatMulOverride(), null);
  const rand = mulberry32(17);
  const a = tf.tensor(values([4, 64], rand), [4, 64]);
  const b = tf.tensor(values([64, 64], rand), [64, 64]);
  const c0 = matMulRouteCounts.gemm;
  const first = tf.matMul(a, b);
  assert.equal(matMulRouteCounts.gemm - c0, 1, 'first use: GEMM');
  const second = tf.matMul(a, b);
  assert.equal(matMulRouteCounts.gemm - c0, 1, 'second use: stock (XNNPACK caches b)');
  assertClose(second.dataSync(), first.dataSync(), 'same product');
  // Many rows: the GEMM beats even XNNPACK's cached packing, so a reused b stays on the GEMM.
  const big = tf.tensor(values([64, 64], rand), [64, 64]);
  tf.matMul(big, b).dispose();
  tf.matMul(big, b).dispose();
  assert.equal(matMulRouteCounts.gemm - c0, 3);
  tf.dispose([a, b, big, first, second]);
});

test('with the GEMM switched off, the fast path re-routes to XNNPACK with the same results and no leaks', { skip }, () => {
  const rand = mulberry32(21);
  assert.equal(enableWasmMatMulOverride(), null);
  const a = tf.tensor(values([3, 20, 30], rand), [3, 20, 30]);
  const b = tf.tensor(values([3, 40, 30], rand), [3, 40, 30]);
  const tensorsBefore = tf.memory().numTensors;
  const dataBefore = tf.engine().backend.numDataIds();
  const withGemm = tf.matMul(a, b, false, true);
  setWasmGemmEnabled(false);
  const c0 = matMulRouteCounts.gemm;
  const without = tf.matMul(a, b, false, true);
  assert.equal(matMulRouteCounts.gemm, c0, 'no GEMM while switched off');
  assertClose(without.dataSync(), withGemm.dataSync(), 'gemm vs re-route');
  tf.dispose([withGemm, without]);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(tf.engine().backend.numDataIds(), dataBefore, 'no scratch left on the heap');
  tf.dispose([a, b]);
});

test('a Dense (bias, ReLU) training step through the GEMM gives the loss and weights of the cpu backend', { skip }, async () => {
  const rand = mulberry32(4);
  const xV = values([64, 50], rand);
  const labelV = Array.from({ length: 64 }, (_, i) => i % 3);
  const train = (): { loss: number; weights: Float32Array[] } => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [50], units: 40, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
      ],
    });
    const x = tf.tensor(xV, [64, 50]);
    const labels = tf.oneHot(tf.tensor1d(labelV, 'int32'), 3);
    const loss = adamSoftmaxSteps(model, x, labels);
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    model.dispose();
    tf.dispose([x, labels]);
    return { loss, weights };
  };
  assert.equal(enableWasmMatMulOverride(), null);
  const counts = { matMul: matMulRouteCounts.gemm, fused: fusedMatMulGemmCount.gemm };
  const fast = train();
  assert.ok(matMulRouteCounts.gemm > counts.matMul, 'the backward matMuls ran the GEMM');
  assert.ok(fusedMatMulGemmCount.gemm > counts.fused, 'the Dense forward ran the GEMM');
  await tf.setBackend('cpu');
  const want = train();
  await tf.setBackend('wasm');
  assert.ok(Math.abs(fast.loss - want.loss) <= 1e-4 * Math.abs(want.loss), `loss ${fast.loss} vs ${want.loss}`);
  want.weights.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) assert.ok(Math.abs(fast.weights[i][j] - w[j]) <= 1e-4 * Math.max(1, Math.abs(w[j])), `weight ${i}[${j}]`);
  });
});
