import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  disableWasmMatMulOverride,
  enableWasmMatMulOverride,
  isWasmMatMulOverrideEnabled,
  WASM_MATMUL_FAST_PATH,
} from '../../../src/engine/backends/fastPaths/wasmMatMulOverride';
import { matMulRouteCounts } from '../../../src/engine/backends/fastPaths/transposedMatMulKernel';
import { setWasmGemmEnabled } from '../../../src/engine/backends/fastPaths/gemmMatMul';
import { installFastPaths } from '../../../src/engine/backends/fastPaths/installFastPaths';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { FUSED_GRU_FAST_PATH } from '../../../src/engine/backends/fastPaths/fusedBidirectionalGru';
import { mulberry32 } from '../helpers/seededRandom';
import { adamSoftmaxSteps } from '../helpers/adamSteps';

const RTOL = 1e-4;

function randomTensor(shape: number[], rand: () => number): tf.Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rand() * 2 - 1), shape);
}

/** Element-wise |got − want| ≤ RTOL · max(|want|, rms(want)): relative, with the tensor's scale as floor. */
function assertClose(got: tf.Tensor, want: tf.Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.dataSync();
  const w = want.dataSync();
  let ss = 0;
  for (const v of w) ss += v * v;
  const rms = Math.sqrt(ss / Math.max(1, w.length));
  for (let i = 0; i < w.length; i++) {
    const tol = RTOL * Math.max(Math.abs(w[i]), rms);
    assert.ok(Math.abs(g[i] - w[i]) <= tol, `${what}: index ${i}: ${g[i]} vs ${w[i]}`);
  }
}

function swapLast(shape: number[]): number[] {
  const s = [...shape];
  const r = s.length;
  [s[r - 2], s[r - 1]] = [s[r - 1], s[r - 2]];
  return s;
}

/** Runs `f` with the stock kernel and with the override; returns [stock, fast]. */
function both<T>(f: () => T): [T, T] {
  disableWasmMatMulOverride();
  const stock = f();
  assert.equal(enableWasmMatMulOverride(), null);
  const fast = f();
  disableWasmMatMulOverride();
  return [stock, fast];
}

/** [a, b] of the untransposed product: unbatched, folded, split, shared-a, 4D, and small (stock) cases. */
const CASES: Array<[number[], number[]]> = [
  [[32, 64], [64, 48]],
  [[33, 17], [17, 70]],
  [[200, 50], [50, 60]],
  [[5, 40, 30], [30, 20]],
  [[5, 40, 30], [1, 30, 20]],
  [[4, 40, 30], [4, 30, 20]],
  [[2, 3, 40, 30], [2, 3, 30, 20]],
  [[2, 3, 40, 30], [30, 20]],
  [[40, 30], [3, 30, 20]],
  [[1, 40, 30], [3, 30, 20]],
  [[3, 7, 5], [3, 5, 6]],
  [[4, 3], [3, 2]],
];

/** tfjs 4.22's BatchMatMul gradient does not reduce broadcast batch dims: gradients need equal outer dims. */
const GRAD_CASES = CASES.filter(([a, b]) => a.length === b.length && a.slice(0, -2).every((d, i) => d === b[i]));

before(async () => {
  assert.ok(await tf.setBackend('wasm'), 'wasm initializes');
  await tf.ready();
  // These tests cover the XNNPACK re-route, the route taken where the GEMM kernel is not built
  // (the GEMM route has its own tests: fastPathsGemm*.test.ts).
  setWasmGemmEnabled(false);
});

after(() => setWasmGemmEnabled(true));

afterEach(() => disableWasmMatMulOverride());

test('forward: matches the stock kernel for all four transpose combinations and batched shapes', () => {
  const rand = mulberry32(1);
  const routes = { ...matMulRouteCounts };
  for (const [aBase, bBase] of CASES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = randomTensor(ta ? swapLast(aBase) : aBase, rand);
        const b = randomTensor(tb ? swapLast(bBase) : bBase, rand);
        const [stock, fast] = both(() => tf.matMul(a, b, ta, tb));
        assertClose(fast, stock, `a [${a.shape}] b [${b.shape}] ta=${ta} tb=${tb}`);
        tf.dispose([a, b, stock, fast]);
      }
    }
  }
  for (const route of ['single', 'fold', 'split', 'stock'] as const) {
    assert.ok(matMulRouteCounts[route] > routes[route], `route ${route} was exercised`);
  }
});

test('forward and gradients: seeded random shapes (sizes 1–80, every batch layout) match the stock kernel', () => {
  const rand = mulberry32(11);
  const dim = (): number => 1 + Math.floor(rand() * 80);
  const layouts: Array<(m: number, k: number, n: number, batch: number) => [number[], number[]]> = [
    (m, k, n) => [[m, k], [k, n]],
    (m, k, n, batch) => [[batch, m, k], [k, n]],
    (m, k, n, batch) => [[batch, m, k], [batch, k, n]],
    (m, k, n, batch) => [[m, k], [batch, k, n]],
    (m, k, n, batch) => [[1, m, k], [batch, k, n]],
  ];
  const routes = { ...matMulRouteCounts };
  for (let trial = 0; trial < 60; trial++) {
    const layout = layouts[trial % layouts.length];
    const [aBase, bBase] = layout(dim(), dim(), dim(), 2 + Math.floor(rand() * 4));
    const ta = rand() < 0.5;
    const tb = rand() < 0.5;
    const a = randomTensor(ta ? swapLast(aBase) : aBase, rand);
    const b = randomTensor(tb ? swapLast(bBase) : bBase, rand);
    const what = `trial ${trial}: a [${a.shape}] b [${b.shape}] ta=${ta} tb=${tb}`;
    const [stock, fast] = both(() => tf.matMul(a, b, ta, tb));
    assertClose(fast, stock, what);
    tf.dispose([stock, fast]);
    const sameOuterDims = trial % layouts.length === 0 || trial % layouts.length === 2; // what tfjs' gradient supports
    if (sameOuterDims) {
      const probe = tf.tidy(() => randomTensor(tf.matMul(a, b, ta, tb).shape, rand));
      const f = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), probe));
      const [gs, gf] = both(() => tf.grads(f)([a, b]));
      assertClose(gf[0], gs[0], `da, ${what}`);
      assertClose(gf[1], gs[1], `db, ${what}`);
      tf.dispose([probe, ...gs, ...gf]);
    }
    tf.dispose([a, b]);
  }
  for (const route of ['single', 'fold', 'split'] as const) {
    assert.ok(matMulRouteCounts[route] > routes[route], `route ${route} was exercised`);
  }
});

test('forward: matches a float64 reference on a large transposed product', () => {
  const rand = mulberry32(2);
  const [m, k, n] = [70, 90, 50];
  const a = randomTensor([k, m], rand); // transposeA
  const b = randomTensor([n, k], rand); // transposeB
  assert.equal(enableWasmMatMulOverride(), null);
  const got = tf.matMul(a, b, true, true);
  const av = a.dataSync();
  const bv = b.dataSync();
  const want = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += av[p * m + i] * bv[j * k + p];
    want[i * n + j] = s;
  }
  assertClose(got, tf.tensor(Float32Array.from(want), [m, n]), 'vs float64');
  tf.dispose([a, b, got]);
});

test('gradients: tf.grads through matMul match the stock kernel', () => {
  const rand = mulberry32(3);
  for (const [aBase, bBase] of GRAD_CASES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = randomTensor(ta ? swapLast(aBase) : aBase, rand);
        const b = randomTensor(tb ? swapLast(bBase) : bBase, rand);
        const probe = tf.tidy(() => randomTensor(tf.matMul(a, b, ta, tb).shape, rand));
        const f = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), probe));
        const [stock, fast] = both(() => tf.grads(f)([a, b]));
        assertClose(fast[0], stock[0], `da: a [${a.shape}] b [${b.shape}] ta=${ta} tb=${tb}`);
        assertClose(fast[1], stock[1], `db: a [${a.shape}] b [${b.shape}] ta=${ta} tb=${tb}`);
        tf.dispose([a, b, probe, ...stock, ...fast]);
      }
    }
  }
});

function denseModel(seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [50], units: 64, activation: 'relu', useBias: true, kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 1 }) }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu', useBias: true, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
  model.add(tf.layers.dense({ units: 3, useBias: true, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }));
  return model;
}

test('a Dense (bias, relu) training step gives the same loss and weights with the override on and off', () => {
  const rand = mulberry32(4);
  const x = randomTensor([64, 50], rand);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 3), 'int32'), 3);
  const train = (): { loss: number; weights: tf.Tensor[] } => {
    const model = denseModel(7);
    const loss = adamSoftmaxSteps(model, x, labels);
    const weights = model.getWeights().map((w) => w.clone());
    model.dispose();
    return { loss, weights };
  };
  const before = matMulRouteCounts.single;
  const [stock, fast] = both(train);
  assert.ok(matMulRouteCounts.single > before, 'the backward matMuls took the fast path');
  assert.ok(Math.abs(fast.loss - stock.loss) <= RTOL * Math.abs(stock.loss), `loss ${fast.loss} vs ${stock.loss}`);
  stock.weights.forEach((w, i) => assertClose(fast.weights[i], w, `weight ${i}`));
  tf.dispose([x, labels, ...stock.weights, ...fast.weights]);
});

test('no leaks: tensors and wasm data buffers stay constant over many calls of every route', () => {
  assert.equal(enableWasmMatMulOverride(), null);
  const rand = mulberry32(5);
  const inputs = CASES.map(([aBase, bBase]) => [randomTensor(swapLast(aBase), rand), randomTensor(swapLast(bBase), rand)] as const);
  const gradInputs = inputs.filter((_, i) => GRAD_CASES.includes(CASES[i]));
  const run = (): void => {
    for (const [a, b] of inputs) tf.matMul(a, b, true, true).dispose();
    for (const [a, b] of gradInputs) {
      tf.dispose(tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y, true, true)))([a, b]));
    }
  };
  run();
  // tf.memory() counts the engine's tensors; the backend's own data ids also count what a kernel
  // allocates internally (transposed copies, batch entries) and forgets to free.
  const start = { ...tf.memory(), dataIds: tf.backend().numDataIds() };
  for (let i = 0; i < 20; i++) run();
  const end = { ...tf.memory(), dataIds: tf.backend().numDataIds() };
  assert.equal(end.numTensors, start.numTensors, 'tensors');
  assert.equal(end.numBytes, start.numBytes, 'bytes');
  assert.equal(end.dataIds, start.dataIds, 'wasm data ids');
  tf.dispose(inputs.flat());
});

test('turning it off restores the original kernel config exactly; enable is idempotent', () => {
  disableWasmMatMulOverride();
  const original = tf.getKernel('BatchMatMul', 'wasm');
  assert.ok(original !== undefined);
  assert.equal(enableWasmMatMulOverride(), null);
  assert.equal(isWasmMatMulOverrideEnabled(), true);
  const installed = tf.getKernel('BatchMatMul', 'wasm');
  assert.notEqual(installed, original);
  assert.equal(installed?.setupFunc, original.setupFunc, 'the stock setup travels with the override');
  assert.equal(enableWasmMatMulOverride(), null);
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), installed, 'second enable changes nothing');
  disableWasmMatMulOverride();
  assert.equal(isWasmMatMulOverrideEnabled(), false);
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), original, 'the very same config object is back');
  disableWasmMatMulOverride();
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), original, 'second disable changes nothing');
});

test('refuses to install on another tfjs version, and says why', () => {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const reason = enableWasmMatMulOverride({ core: '4.23.0', wasm: '4.22.0' });
  assert.match(reason ?? '', /written for tfjs 4\.22\.0, found tfjs-core 4\.23\.0/);
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), original);
  assert.notEqual(enableWasmMatMulOverride({ core: '4.22.0', wasm: '4.21.0' }), null);
  assert.equal(isWasmMatMulOverrideEnabled(), false);
});

test('installFastPaths: on by default for wasm, only the fused GRU for cpu, FINETUNE_FAST_PATHS=0 turns it off', () => {
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(line);
  // The transformer paths (modelFastPaths.ts) follow the recurrent ones; their own tests say which apply where.
  const cpu = installFastPaths('cpu', log, {});
  assert.deepEqual(cpu.slice(0, 1), [FUSED_GRU_FAST_PATH]);
  assert.ok(cpu.includes('frozen-dense-input-grad-only'));
  assert.ok(!installFastPaths('webgpu', log, {}).some((n) => n.startsWith('wasm-') || n === FUSED_GRU_FAST_PATH));
  const wasm = installFastPaths('wasm', log, {});
  assert.deepEqual(wasm.slice(0, 4), [WASM_MATMUL_FAST_PATH, 'wasm-typed-gather', 'wasm-broadcast-equal', FUSED_GRU_FAST_PATH]);
  assert.ok(wasm.includes('frozen-dense-input-grad-only'));
  assert.equal(isWasmMatMulOverrideEnabled(), true);
  assert.deepEqual(installFastPaths('wasm', log, { [FAST_PATHS_ENV_VAR]: '0' }), []);
  assert.equal(isWasmMatMulOverrideEnabled(), false);
  assert.ok(lines.some((l) => l.includes(`${FAST_PATHS_ENV_VAR}=0`)));
});

