// The two kernels of the fused LSTM recurrence on typed arrays: the TypeScript one
// (lstmRecurrence.ts) against central finite differences, and the WebAssembly SIMD one
// (wasmLstmKernel.ts, built from wasm/lstmKernel.c by `npm run build` when clang is installed)
// against the TypeScript one: outputs and gradients, both gate activations, both directions,
// returnSequences both ways, batch sizes that are not multiples of the 4-row blocks; and the wasm
// kernel's tape slots (a backward pass whose tape was overwritten recomputes it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { typescriptLstmKernel, type GateActivation, type LstmDims, type LstmOptions } from '../../../src/engine/backends/fastPaths/lstmRecurrence';
import { lstmWasmKernel, lstmWasmUnavailableReason, MAX_LSTM_SLOTS } from '../../../src/engine/backends/fastPaths/wasmLstmKernel';
import { assertClose, seeded } from './fastPathsLstmCompare';

interface Case {
  dims: LstmDims;
  options: LstmOptions;
  proj: Float32Array;
  kernel: Float32Array;
  dy: Float32Array;
}

function makeCase(batch: number, time: number, units: number, activation: GateActivation, returnSequences: boolean, reverse: boolean, seed: number): Case {
  return {
    dims: { batch, time, units },
    options: { activation, returnSequences, reverse },
    proj: seeded(batch * time * 4 * units, seed, 3),
    kernel: seeded(4 * units * units, seed + 1, 0.8),
    dy: seeded(returnSequences ? batch * time * units : batch * units, seed + 3, 1),
  };
}

test('TypeScript kernel: gradients equal central finite differences of the output (sigmoid gates, both directions)', () => {
  for (const reverse of [false, true]) {
    const c = makeCase(2, 4, 3, 'sigmoid', true, reverse, 5);
    const loss = (): number => {
      const { output } = typescriptLstmKernel.run(c.proj, c.kernel, c.dims, c.options);
      let s = 0;
      for (let i = 0; i < output.length; i++) s += output[i] * c.dy[i];
      return s;
    };
    const grads = typescriptLstmKernel.run(c.proj, c.kernel, c.dims, c.options).backward(c.dy);
    const h = 1e-2;
    const check = (values: Float32Array, analytic: Float32Array, what: string): void => {
      for (let i = 0; i < values.length; i += 2) {
        const v = values[i];
        values[i] = v + h;
        const up = loss();
        values[i] = v - h;
        const down = loss();
        values[i] = v;
        const numeric = (up - down) / (2 * h);
        assert.ok(Math.abs(numeric - analytic[i]) <= 2e-3 + 2e-2 * Math.abs(numeric), `${what}[${i}]: ${analytic[i]} vs numeric ${numeric}`);
      }
    };
    check(c.proj, grads.dProj, `dProj (reverse=${reverse})`);
    check(c.kernel, grads.dKernel, `dU (reverse=${reverse})`);
  }
});

const wasm = lstmWasmKernel();
const skip = wasm === null ? `wasm kernel not available: ${lstmWasmUnavailableReason() ?? ''}` : false;

const CASES: Array<[number, number, number, GateActivation, boolean, boolean]> = [
  [5, 9, 5, 'hardSigmoid', true, false],
  [5, 9, 5, 'hardSigmoid', true, true],
  [1, 1, 3, 'hardSigmoid', true, false],
  [6, 7, 4, 'sigmoid', true, true],
  [3, 8, 6, 'hardSigmoid', false, true],
  [9, 5, 7, 'sigmoid', false, false],
  // units a multiple of 4: the wasm kernel's four-lane gate path
  [5, 9, 8, 'hardSigmoid', true, true],
  [4, 6, 8, 'sigmoid', false, false],
  [3, 5, 12, 'sigmoid', true, false],
];

for (const [batch, time, units, activation, returnSequences, reverse] of CASES) {
  test(`wasm kernel = TypeScript kernel [batch ${batch}, time ${time}, units ${units}, ${activation}, returnSequences=${returnSequences}, reverse=${reverse}]`, { skip }, () => {
    assert.ok(wasm !== null);
    const c = makeCase(batch, time, units, activation, returnSequences, reverse, batch * 100 + time);
    const want = typescriptLstmKernel.run(c.proj, c.kernel, c.dims, c.options);
    const got = wasm.run(c.proj, c.kernel, c.dims, c.options);
    assertClose(got.output, want.output, 'output');
    const gw = want.backward(c.dy);
    const gg = got.backward(c.dy);
    assertClose(gg.dProj, gw.dProj, 'dProj');
    // One timestep: h_0 = 0, so the recurrent kernel gets no gradient.
    if (time === 1) assert.ok(gw.dKernel.every((v) => v === 0) && gg.dKernel.every((v) => v === 0));
    else assertClose(gg.dKernel, gw.dKernel, 'dU');
  });
}

for (const u of [5, 8]) test(`saturated gates (f = 1, i = 0, o = 1) copy the state exactly in both kernels [units ${u}]`, () => {
  const c = makeCase(4, 10, u, 'hardSigmoid', true, false, 77);
  // From step 5 on: z_i = -50, z_f = z_o = +50, so c and h repeat exactly.
  for (let b = 0; b < 4; b++) {
    for (let t = 5; t < 10; t++) {
      const row = (b * 10 + t) * 4 * u;
      for (let j = 0; j < u; j++) {
        c.proj[row + j] = -50;
        c.proj[row + u + j] = 50;
        c.proj[row + 3 * u + j] = 50;
      }
    }
  }
  for (const kernel of wasm === null ? [typescriptLstmKernel] : [typescriptLstmKernel, wasm]) {
    const { output } = kernel.run(c.proj, c.kernel, c.dims, c.options);
    for (let b = 0; b < 4; b++) {
      for (let t = 6; t < 10; t++) {
        for (let j = 0; j < u; j++) assert.equal(output[(b * 10 + t) * u + j], output[(b * 10 + 5) * u + j], `${kernel.name}: copied exactly`);
      }
    }
  }
});

test('wasm kernel: a backward pass whose tape was overwritten by later forward passes recomputes it', { skip }, () => {
  assert.ok(wasm !== null);
  const cases = Array.from({ length: MAX_LSTM_SLOTS + 2 }, (_, i) => makeCase(3 + i, 6, 4, 'hardSigmoid', true, i % 2 === 1, 300 + i));
  const runs = cases.map((c) => wasm.run(c.proj, c.kernel, c.dims, c.options));
  const before = wasm.recomputations;
  const grads = runs.map((_, i) => runs.length - 1 - i).map((i) => ({ i, g: runs[i].backward(cases[i].dy) }));
  assert.ok(wasm.recomputations - before >= 2, `recomputed ${wasm.recomputations - before}`);
  for (const { i, g } of grads) {
    const want = typescriptLstmKernel.run(cases[i].proj, cases[i].kernel, cases[i].dims, cases[i].options).backward(cases[i].dy);
    assertClose(g.dProj, want.dProj, `case ${i}: dProj`);
    assertClose(g.dKernel, want.dKernel, `case ${i}: dU`);
  }
});
