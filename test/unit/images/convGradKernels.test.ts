import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { CONV_GRAD_KERNELS, isConvGradKernelRegistered, registerConvGradKernels } from '../../../src/engine/models/mobileNetWasmKernels';

after(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  name: string;
  depthwise: boolean;
  /** [batch, height, width, channels] */
  input: [number, number, number, number];
  /** [fh, fw, inChannels, outChannels or multiplier] */
  filter: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
}

const CASES: Case[] = [
  { name: 'conv 3×3 stride 2 valid (MobileNet stem)', depthwise: false, input: [2, 9, 9, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'valid' },
  { name: 'conv 3×3 stride 1 same', depthwise: false, input: [2, 7, 6, 2], filter: [3, 3, 2, 3], stride: 1, pad: 'same' },
  { name: 'conv 2×3 stride 2 same, odd sizes', depthwise: false, input: [1, 7, 5, 3], filter: [2, 3, 3, 2], stride: 2, pad: 'same' },
  { name: 'depthwise 3×3 stride 1 same', depthwise: true, input: [2, 8, 8, 5], filter: [3, 3, 5, 1], stride: 1, pad: 'same' },
  { name: 'depthwise 3×3 stride 2 valid (after ZeroPadding2D)', depthwise: true, input: [2, 9, 9, 4], filter: [3, 3, 4, 1], stride: 2, pad: 'valid' },
  { name: 'depthwise 3×3 stride 2 same, multiplier 2, odd size', depthwise: true, input: [1, 7, 7, 3], filter: [3, 3, 3, 2], stride: 2, pad: 'same' },
];

/** Gradients of Σ r·conv(x, w) with respect to x and w on one backend (r fixed, so dy is not constant). */
async function gradients(backend: string, c: Case): Promise<{ dx: Float32Array; dw: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.randomUniform(c.input, -1, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomUniform(c.filter, -1, 1, 'float32', 2) as tf.Tensor4D;
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D =>
      c.depthwise ? tf.depthwiseConv2d(a, b, c.stride, c.pad) : tf.conv2d(a, b, c.stride, c.pad);
    const r = tf.randomUniform(conv(x, w).shape, -1, 1, 'float32', 3);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-4 * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('our kernels are registered on wasm only where it lacks them, idempotently', () => {
  registerConvGradKernels();
  registerConvGradKernels();
  for (const name of CONV_GRAD_KERNELS) assert.ok(isConvGradKernelRegistered(name), name);
  assert.ok(tf.getKernel('Conv2DBackpropInput', 'wasm') !== undefined, "wasm's own Conv2DBackpropInput stays");
});

for (const c of CASES) {
  test(`gradients on wasm (our kernels) equal tfjs's cpu kernels: ${c.name}`, async () => {
    registerConvGradKernels();
    const reference = await gradients('cpu', c);
    const ours = await gradients('wasm', c);
    assertClose(ours.dw, reference.dw, 'dfilter');
    assertClose(ours.dx, reference.dx, 'dinput');
    assert.ok(reference.dw.some((v) => Math.abs(v) > 1e-3), 'the gradient is not trivially zero');
  });
}
