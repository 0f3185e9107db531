// node --import tsx bench/matMulMicro.ts [--quick]: tf.matMul on tfjs-wasm, stock kernel against
// the wasm-transposed-matmul fast path, for the four transpose combinations and batched shapes:
// the fast path with our GEMM (gemmMatMul.ts) and without it (its XNNPACK re-route,
// FINETUNE_WASM_GEMM=0). One JSON line per shape and combination: median CPU ms per call and
// GFLOP/s of each, the speed-ups, and the route the fast path takes. --quick: fewer shapes and
// rounds. A benchmark, not a test.

import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { planMatMul } from '../src/engine/backends/fastPaths/matMulPlan';
import { gemmRoute, setWasmGemmEnabled } from '../src/engine/backends/fastPaths/gemmMatMul';
import { disableWasmMatMulOverride, enableWasmMatMulOverride } from '../src/engine/backends/fastPaths/wasmMatMulOverride';
import { cpuMs, median } from './microTiming'; // CPU time: steadier than wall time on a machine shared with other work.

/** [a, b] as the untransposed product; each combination transposes the last two axes as asked. */
const SHAPES: Array<[number[], number[]]> = [
  // Training shapes: the MLP 256-512-512-10 at batch 64, a BERT-mini layer at 1024 tokens, a small step.
  [[64, 512], [512, 512]],
  [[64, 256], [256, 512]],
  [[8, 256], [256, 256]],
  [[1024, 256], [256, 256]],
  [[1024, 256], [256, 1024]],
  [[64, 512], [512, 10]],
  [[32, 10], [10, 64]],
  [[32, 32], [32, 32]],
  [[32, 64], [64, 64]],
  [[32, 100], [100, 64]],
  [[256, 512], [512, 512]],
  [[4836, 50], [50, 60]],
  [[32, 100, 40], [40, 60]],
  [[32, 100, 40], [32, 40, 60]],
  [[2, 3200, 50], [2, 50, 64]],
  [[2, 32, 64], [2, 64, 64]],
  [[2, 32, 20], [2, 20, 20]],
  [[8, 4, 4], [8, 4, 4]],
];

function swapLast(shape: number[]): number[] {
  const s = [...shape];
  const r = s.length;
  [s[r - 2], s[r - 1]] = [s[r - 1], s[r - 2]];
  return s;
}

/**
 * Median CPU ms per call over `repeats` rounds of about 30 ms each. `b` is a fresh tensor at each
 * call (b + 0, timed apart and subtracted), as in training, where every backward matMul gets new
 * operands: tfjs-wasm caches XNNPACK's packed weights per b tensor, so a reused b would flatter it.
 */
function timeMatMul(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean, repeats: number): number {
  const withMatMul = (): void => {
    const fresh = tf.add(b, 0);
    tf.matMul(a, fresh, ta, tb).dispose();
    fresh.dispose();
  };
  const copyOnly = (): void => tf.add(b, 0).dispose();
  for (let i = 0; i < 3; i++) withMatMul();
  const t0 = cpuMs();
  withMatMul();
  const once = Math.max(cpuMs() - t0, 0.01);
  const calls = Math.max(5, Math.min(500, Math.round(30 / once)));
  const round = (f: () => void): number => {
    const start = cpuMs();
    for (let i = 0; i < calls; i++) f();
    return (cpuMs() - start) / calls;
  };
  const rounds: number[] = [];
  for (let r = 0; r < repeats; r++) rounds.push(Math.max(0.0001, round(withMatMul) - round(copyOnly)));
  return median(rounds);
}

const QUICK = process.argv.includes('--quick');

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const repeats = QUICK ? 3 : 7;
  // Warm up the JIT and the kernels so the first shape is timed like the others.
  const [wa, wb] = [tf.randomNormal([64, 64]), tf.randomNormal([64, 64])];
  assert(enableWasmMatMulOverride() === null);
  const warm = (): void => {
    for (let i = 0; i < 300; i++) tf.tidy(() => tf.matMul(wa, tf.add(wb, 0), i % 2 === 0, i % 3 === 0)).dispose();
  };
  warm();
  disableWasmMatMulOverride();
  warm();
  tf.dispose([wa, wb]);
  for (const [aBase, bBase] of QUICK ? SHAPES.slice(0, 6) : SHAPES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const aShape = ta ? swapLast(aBase) : aBase;
        const bShape = tb ? swapLast(bBase) : bBase;
        const a = tf.randomNormal(aShape);
        const b = tf.randomNormal(bShape);
        const plan = planMatMul(aShape, bShape, ta, tb);
        const gemm = gemmRoute(a, tf.add(b, 0), ta, tb) !== null;
        disableWasmMatMulOverride();
        const stockMs = timeMatMul(a, b, ta, tb, repeats);
        const reason = enableWasmMatMulOverride();
        if (reason !== null) throw new Error(reason);
        setWasmGemmEnabled(false);
        const rerouteMs = timeMatMul(a, b, ta, tb, repeats);
        setWasmGemmEnabled(true);
        const fastMs = timeMatMul(a, b, ta, tb, repeats);
        disableWasmMatMulOverride();
        const d = plan.dims;
        const flops = d === null ? 0 : 2 * d.batch * d.m * d.k * d.n;
        const gflops = (ms: number): number => Math.round((flops / ms / 1e6) * 10) / 10;
        console.log(
          JSON.stringify({
            a: aShape,
            b: bShape,
            transposeA: ta,
            transposeB: tb,
            route: gemm ? 'gemm' : plan.route,
            stockMs: Math.round(stockMs * 1000) / 1000,
            rerouteMs: Math.round(rerouteMs * 1000) / 1000,
            fastMs: Math.round(fastMs * 1000) / 1000,
            stockGflops: gflops(stockMs),
            rerouteGflops: gflops(rerouteMs),
            fastGflops: gflops(fastMs),
            speedup: Math.round((stockMs / fastMs) * 100) / 100,
            vsReroute: Math.round((rerouteMs / fastMs) * 100) / 100,
          }),
        );
        a.dispose();
        b.dispose();
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
