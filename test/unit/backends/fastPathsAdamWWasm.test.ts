// The AdamW wasm kernel (wasm/adamwKernel.c, wasmAdamWKernel.ts) on its own: it shares tfjs-wasm's
// memory, so a call must write nothing but its outputs. On a memory of our own filled with a
// pattern, calls of every SIMD tail length (n = 0..9, 33) must leave every byte outside the three
// outputs unchanged, produce the TypeScript loops' values to the bit, with and without decay and
// with a NaN scale, and sum squares as the double-precision loop does. The loader must refuse a
// kernel with its own memory. Skipped, with the reason, where the build could not compile it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { adamwUpdate, sumSquares } from '../../../src/engine/backends/fastPaths/fusedAdamW';
import {
  adamwWasmCandidates,
  adamwWasmUnavailableReason,
  instantiateAdamWKernel,
  loadAdamWWasmModule,
  tfjsWasmMemory,
  wasmSectionIds,
  type AdamWScalars,
} from '../../../src/engine/backends/fastPaths/wasmAdamWKernel';
import { geluWasmCandidates } from '../../../src/engine/backends/fastPaths/wasmGeluKernel';
import { mulberry32 } from '../helpers/seededRandom';

const skip = adamwWasmUnavailableReason() ?? false;

function kernelFile(): string {
  const file = adamwWasmCandidates().find((f) => existsSync(f));
  assert.ok(file !== undefined);
  return file;
}

function scalars(scale: number, decay: boolean): AdamWScalars {
  const f = Math.fround;
  return {
    scale: f(scale),
    beta1: f(0.9),
    oneMinusBeta1: f(1 - 0.9),
    beta2: f(0.999),
    oneMinusBeta2: f(1 - 0.999),
    decayRate: f(1e-3 * 0.01),
    decay,
    biasCorrection1: f(1 - 0.9 ** 3),
    biasCorrection2: f(1 - 0.999 ** 3),
    learningRate: f(1e-3),
    epsilon: f(1e-8),
  };
}

test('the kernel module imports only a memory and has no static data', { skip }, () => {
  const module = loadAdamWWasmModule(kernelFile());
  assert.ok(module instanceof WebAssembly.Module, String(module));
  assert.deepEqual(
    WebAssembly.Module.imports(module).map((i) => i.kind),
    ['memory'],
  );
  // A kernel with a memory of its own (the GELU kernel) is refused.
  const gelu = geluWasmCandidates().find((f) => existsSync(f));
  if (gelu !== undefined) assert.match(String(loadAdamWWasmModule(gelu)), /must import exactly one memory/);
});

test('the kernel code touches no global (no shadow stack in the shared memory), where llvm-objdump is installed', { skip }, (t) => {
  const r = spawnSync('llvm-objdump', ['-d', kernelFile()], { encoding: 'utf8' });
  if (r.status !== 0) {
    t.skip('llvm-objdump not available');
    return;
  }
  assert.match(r.stdout, /f32x4\.sqrt/, 'the disassembly is the kernel');
  assert.doesNotMatch(r.stdout, /global\.(get|set)|\bcall\b/);
});

test('wasmSectionIds reads section headers', () => {
  // magic, version, a type section of 1 byte (id 1), a custom section of 3 bytes (id 0).
  const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 1, 0, 0, 3, 1, 2, 3]);
  assert.deepEqual(wasmSectionIds(bytes), [1, 0]);
});

test('a call writes only its outputs, with the TypeScript loops\' values to the bit', { skip }, () => {
  const module = loadAdamWWasmModule(kernelFile());
  assert.ok(module instanceof WebAssembly.Module);
  const memory = new WebAssembly.Memory({ initial: 4 });
  const kernel = instantiateAdamWKernel(module, memory);
  assert.ok(typeof kernel !== 'string', String(kernel));
  const bytes = new Uint8Array(memory.buffer);
  const rand = mulberry32(11);
  for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 33]) {
    for (const [scale, decay] of [[1, false], [0.37, true], [Number.NaN, true]] as const) {
      bytes.forEach((_, i) => (bytes[i] = (i * 131 + n) & 0xff));
      // Regions at offsets that are multiples of 4 but not all of 16 (tfjs aligns to 16; be stricter).
      const at = { p: 1028, m: 2052, v: 3076, g: 4100, pOut: 5124, mOut: 6148, vOut: 7172 };
      const f32 = new Float32Array(memory.buffer);
      const view = (offset: number): Float32Array => f32.subarray(offset / 4, offset / 4 + n);
      for (const key of ['p', 'm', 'g'] as const) view(at[key]).set(Array.from({ length: n }, () => rand() * 2 - 1));
      view(at.v).set(Array.from({ length: n }, () => rand() * 0.01));
      const before = Uint8Array.from(bytes);
      const s = scalars(scale, decay);
      kernel.update(at, n, s);
      const want = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      adamwUpdate(view(at.p), view(at.m), view(at.v), view(at.g), want[0], want[1], want[2], s);
      assert.deepEqual(view(at.pOut), want[0], `n=${n} scale=${scale}: p'`);
      assert.deepEqual(view(at.mOut), want[1], `n=${n} scale=${scale}: m'`);
      assert.deepEqual(view(at.vOut), want[2], `n=${n} scale=${scale}: v'`);
      const outputs = [at.pOut, at.mOut, at.vOut];
      for (let i = 0; i < bytes.length; i++) {
        if (outputs.some((o) => i >= o && i < o + 4 * n)) continue;
        if (bytes[i] !== before[i]) assert.fail(`n=${n}: byte ${i} outside the outputs changed`);
      }
      const sum = kernel.sumSquares(at.g, n);
      const expected = sumSquares(view(at.g));
      assert.ok(Math.abs(sum - expected) <= 1e-12 * Math.max(1, expected), `n=${n}: sum of squares ${sum} vs ${expected}`);
    }
  }
});

test('the kernel instantiates on tfjs-wasm\'s own memory', { skip }, async () => {
  assert.ok(await tf.setBackend('wasm'));
  const memory = tfjsWasmMemory(tf.backend());
  assert.ok(memory instanceof WebAssembly.Memory, 'tfjs-wasm exposes its memory as wasm.asm.memory');
  const module = loadAdamWWasmModule(kernelFile());
  assert.ok(module instanceof WebAssembly.Module);
  assert.ok(typeof instantiateAdamWKernel(module, memory) !== 'string');
});
