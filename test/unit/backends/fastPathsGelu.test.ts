// The fused GELU (fusedGelu.ts, wasmGeluKernel.ts): erfc against a double-precision reference
// (continued fraction / series), and the 'gelu' (erf) and 'gelu_new' (tanh) activations of
// tfjs-layers against their stock ops: values and input gradients within relative 1e-4, over
// [-12, 12] including the far tails, on cpu (TypeScript loops) and wasm (the SIMD kernel; skipped,
// with the reason, where the build could not compile it). Off, the stock ops run again.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { disableFusedGelu, enableFusedGelu, erfc, fusedGeluCounts, geluBackward, geluForward } from '../../../src/engine/backends/fastPaths/fusedGelu';
import { geluWasmKernel, geluWasmUnavailableReason } from '../../../src/engine/backends/fastPaths/wasmGeluKernel';
import { assertCloseArrays } from './fastPathCompare';

after(() => disableFusedGelu());

/** erfc in double precision: Taylor series of erf below 2.5, Lentz's continued fraction above. */
function erfcReference(z: number): number {
  if (z < 0) return 2 - erfcReference(-z);
  if (z < 2.5) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (-z * z) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-18) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(z) = exp(-z²)/√π · 1/(z + 1/2/(z + 1/(z + 3/2/(z + …))))
  let f = z;
  for (let n = 60; n >= 1; n--) f = z + n / 2 / f;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}

test('erfc: fractional error below 2e-7 from -6 to 9', () => {
  for (let z = -6; z <= 9; z += 0.01) {
    const want = erfcReference(z);
    assert.ok(Math.abs(erfc(z) - want) <= 2e-7 * want, `erfc(${z}) = ${erfc(z)}, want ${want}`);
  }
});

/** Points over [-12, 12], denser near 0, plus exact zeros. */
function points(): Float32Array {
  const xs: number[] = [0, -0, 1e-8, -1e-8];
  for (let i = 0; i < 600; i++) xs.push(-12 + (24 * i) / 599);
  for (let i = 0; i < 400; i++) xs.push(-3 + (6 * i) / 399 + 1e-3);
  return Float32Array.from(xs);
}

const ACTIVATIONS = [
  { name: 'gelu', approximate: false },
  { name: 'gelu_new', approximate: true },
] as const;

function valuesAndGrads(activation: 'gelu' | 'gelu_new', x: tf.Tensor, dy: tf.Tensor): [Float32Array, Float32Array] {
  const layer = tf.layers.activation({ activation, name: `act_${activation}_${Math.random().toString(36).slice(2)}` });
  return tf.tidy(() => {
    const y = layer.apply(x) as tf.Tensor;
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v) as tf.Tensor, dy)))(x);
    return [y.dataSync() as Float32Array, g.dataSync() as Float32Array];
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  const skip = backend === 'wasm' && geluWasmKernel() === null ? `wasm GELU kernel not available: ${geluWasmUnavailableReason() ?? ''}` : false;
  for (const { name, approximate } of ACTIVATIONS) {
    test(`fused ${name} = stock tfjs-layers ${name}: values and gradients (${backend})`, { skip }, async () => {
      assert.ok(await tf.setBackend(backend));
      const xs = points();
      const x = tf.tensor(xs);
      const dy = tf.add(tf.mul(tf.sin(tf.mul(x, 3)), 0.5), 1);
      disableFusedGelu();
      const [stockY, stockG] = valuesAndGrads(name, x, dy);
      assert.equal(enableFusedGelu(), null);
      const counts = { ...fusedGeluCounts };
      const [fastY, fastG] = valuesAndGrads(name, x, dy);
      assert.equal(fusedGeluCounts.forward - counts.forward, 2, 'the forward kernel ran (once per apply)');
      assert.equal(fusedGeluCounts.backward - counts.backward, 1, 'the backward kernel ran');
      assertCloseArrays(fastY, stockY, `${name} values`);
      assertCloseArrays(fastG, stockG, `${name} gradients`);
      // approximate flag matches the class: the tanh form differs from the erf form by up to ~1e-3.
      const other = new Float32Array(xs.length);
      geluForward(xs, other, !approximate);
      assert.ok(other.some((v, i) => Math.abs(v - fastY[i]) > 1e-4), 'the two GELU forms are told apart');
      disableFusedGelu();
      const again = { ...fusedGeluCounts };
      valuesAndGrads(name, x, dy);
      assert.deepEqual(fusedGeluCounts, again, 'switched off, the stock ops run');
      tf.dispose([x, dy]);
    });
  }
}

test('wasm SIMD kernel = TypeScript loops, odd lengths included', { skip: geluWasmKernel() === null ? `wasm GELU kernel not available: ${geluWasmUnavailableReason() ?? ''}` : false }, () => {
  const kernel = geluWasmKernel();
  assert.ok(kernel !== null);
  for (const n of [1, 3, 4, 7, 8, 9, 1001]) {
    const x = Float32Array.from({ length: n }, (_, i) => -6 + (12 * i) / Math.max(1, n - 1));
    const dy = Float32Array.from({ length: n }, (_, i) => 1 + 0.1 * i);
    for (const approximate of [false, true]) {
      const want = new Float32Array(n);
      const got = new Float32Array(n);
      geluForward(x, want, approximate);
      kernel.forward(x, got, approximate);
      assertCloseArrays(got, want, `forward n=${n} approximate=${approximate}`);
      geluBackward(dy, x, want, approximate);
      kernel.backward(dy, x, got, approximate);
      assertCloseArrays(got, want, `backward n=${n} approximate=${approximate}`);
    }
  }
});
