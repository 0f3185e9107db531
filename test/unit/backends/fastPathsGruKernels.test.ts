// The two kernels of the fused GRU recurrence on typed arrays: the TypeScript one (gruRecurrence.ts)
// against finite differences, and the WebAssembly SIMD one (wasmGruKernel.ts, built from
// wasm/gruKernel.c by `npm run build` when clang is installed) against the TypeScript one:
// outputs and gradients, both gate activations, with and without returnSequences, batch sizes
// that are not multiples of the 4-row blocks; and the wasm kernel's tape slots (a backward pass
// whose tape was overwritten recomputes it and gives the same gradients).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { typescriptGruKernel, type GateActivation, type GruDims, type GruOptions } from '../../../src/engine/backends/fastPaths/gruRecurrence';
import { gruWasmKernel, gruWasmUnavailableReason, MAX_SLOTS } from '../../../src/engine/backends/fastPaths/wasmGruKernel';

const RTOL = 1e-4;

function seeded(size: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 * scale - scale;
  });
}

function assertClose(got: Float32Array, want: Float32Array, what: string, rtol = RTOL): void {
  assert.equal(got.length, want.length, `${what}: size`);
  let ss = 0;
  for (const v of want) ss += v * v;
  const rms = Math.sqrt(ss / want.length);
  assert.ok(rms > 0, `${what}: all zeros`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= rtol * Math.max(Math.abs(want[i]), rms))) assert.fail(`${what}: index ${i}: ${got[i]} vs ${want[i]}`);
  }
}

interface Case {
  dims: GruDims;
  options: GruOptions;
  proj: Float32Array;
  kernels: [Float32Array, Float32Array];
  dy: Float32Array;
}

function makeCase(batch: number, time: number, units: number, activation: GateActivation, returnSequences: boolean, seed: number): Case {
  const outSize = returnSequences ? batch * time * 2 * units : batch * 2 * units;
  return {
    dims: { batch, time, units },
    options: { activation, returnSequences },
    proj: seeded(batch * time * 6 * units, seed, 3),
    kernels: [seeded(3 * units * units, seed + 1, 0.8), seeded(3 * units * units, seed + 2, 0.8)],
    dy: seeded(outSize, seed + 3, 1),
  };
}

const CASES: Array<[number, number, number, GateActivation, boolean]> = [
  [5, 9, 5, 'hardSigmoid', true],
  [1, 1, 3, 'hardSigmoid', true],
  [6, 7, 4, 'sigmoid', true],
  [3, 8, 6, 'hardSigmoid', false],
  [9, 5, 7, 'sigmoid', false],
];

test('TypeScript kernel: gradients equal central finite differences of the output (float64 check on a smooth case)', () => {
  // Sigmoid gates keep the function smooth; differences in float32 are coarse, so the step and
  // tolerance are loose here: this checks the formulas, the tfjs comparisons check the precision.
  const c = makeCase(2, 4, 3, 'sigmoid', true, 5);
  const loss = (proj: Float32Array, kernels: [Float32Array, Float32Array]): number => {
    const { output } = typescriptGruKernel.run(proj, kernels, c.dims, c.options);
    let s = 0;
    for (let i = 0; i < output.length; i++) s += output[i] * c.dy[i];
    return s;
  };
  const grads = typescriptGruKernel.run(c.proj, c.kernels, c.dims, c.options).backward(c.dy);
  const h = 1e-2;
  const check = (values: Float32Array, analytic: Float32Array, evaluate: () => number, what: string): void => {
    for (let i = 0; i < values.length; i += 3) {
      const v = values[i];
      values[i] = v + h;
      const up = evaluate();
      values[i] = v - h;
      const down = evaluate();
      values[i] = v;
      const numeric = (up - down) / (2 * h);
      assert.ok(Math.abs(numeric - analytic[i]) <= 2e-3 + 2e-2 * Math.abs(numeric), `${what}[${i}]: ${analytic[i]} vs numeric ${numeric}`);
    }
  };
  check(c.proj, grads.dProj, () => loss(c.proj, c.kernels), 'dProj');
  check(c.kernels[0], grads.dKernels[0], () => loss(c.proj, c.kernels), 'dU forward');
  check(c.kernels[1], grads.dKernels[1], () => loss(c.proj, c.kernels), 'dU backward');
});

const wasm = gruWasmKernel();
const skip = wasm === null ? `wasm kernel not available: ${gruWasmUnavailableReason() ?? ''}` : false;

for (const [batch, time, units, activation, returnSequences] of CASES) {
  test(`wasm kernel = TypeScript kernel [batch ${batch}, time ${time}, units ${units}, ${activation}, returnSequences=${returnSequences}]`, { skip }, () => {
    assert.ok(wasm !== null);
    const c = makeCase(batch, time, units, activation, returnSequences, batch * 100 + time);
    const want = typescriptGruKernel.run(c.proj, c.kernels, c.dims, c.options);
    const got = wasm.run(c.proj, c.kernels, c.dims, c.options);
    assertClose(got.output, want.output, 'output');
    const gw = want.backward(c.dy);
    const gg = got.backward(c.dy);
    assertClose(gg.dProj, gw.dProj, 'dProj');
    for (const d of [0, 1]) {
      // One timestep: h_0 = 0, so the recurrent kernels get no gradient.
      if (time === 1) assert.ok(gw.dKernels[d].every((v) => v === 0) && gg.dKernels[d].every((v) => v === 0));
      else assertClose(gg.dKernels[d], gw.dKernels[d], `dU ${d === 0 ? 'forward' : 'backward'}`);
    }
  });
}

test('wasm kernel: saturated hard_sigmoid gates copy the state exactly, as the TypeScript kernel does', { skip }, () => {
  assert.ok(wasm !== null);
  const c = makeCase(4, 10, 5, 'hardSigmoid', true, 77);
  // From step 5 on, the forward direction's z pre-activations are far above 2.5 (z = 1): its
  // state, non-zero by then, is copied unchanged to every later step.
  for (let b = 0; b < 4; b++) for (let t = 5; t < 10; t++) for (let j = 0; j < 5; j++) c.proj[(b * 10 + t) * 30 + j] = 50;
  for (const kernel of [typescriptGruKernel, wasm]) {
    const { output } = kernel.run(c.proj, c.kernels, c.dims, c.options);
    for (let b = 0; b < 4; b++) {
      for (let t = 5; t < 10; t++) {
        for (let j = 0; j < 5; j++) assert.equal(output[(b * 10 + t) * 10 + j], output[(b * 10 + 4) * 10 + j], `${kernel.name}: copied exactly`);
      }
    }
  }
});

test('wasm kernel: a backward pass whose tape was overwritten by later forward passes recomputes it', { skip }, () => {
  assert.ok(wasm !== null);
  const cases = Array.from({ length: MAX_SLOTS + 2 }, (_, i) => makeCase(3 + i, 6, 4, 'hardSigmoid', true, 300 + i));
  const runs = cases.map((c) => wasm.run(c.proj, c.kernels, c.dims, c.options));
  const before = wasm.recomputations;
  // Backward in reverse order: the newest MAX_SLOTS tapes are in place, the oldest two are not.
  const grads = runs.map((_, i) => runs.length - 1 - i).map((i) => ({ i, g: runs[i].backward(cases[i].dy) }));
  assert.ok(wasm.recomputations >= 2, `recomputed ${wasm.recomputations - before}`);
  for (const { i, g } of grads) {
    const want = typescriptGruKernel.run(cases[i].proj, cases[i].kernels, cases[i].dims, cases[i].options).backward(cases[i].dy);
    assertClose(g.dProj, want.dProj, `case ${i}: dProj`);
    assertClose(g.dKernels[0], want.dKernels[0], `case ${i}: dU`);
  }
});
