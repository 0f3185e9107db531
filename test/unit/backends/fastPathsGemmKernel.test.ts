// The GEMM wasm kernel (wasm/gemmKernel.c, wasmGemmKernel.ts) on its own: it shares tfjs-wasm's
// memory, so a call must write nothing but its output and its scratch. On a memory of our own
// filled with a pattern, over shapes with every edge (1×1×1, odd sizes, K not a multiple of 4,
// K and N beyond one block), each transpose combination, batched and broadcast operands, bias and
// ReLU: every byte outside C and the scratch is unchanged, the scratch stays within the size the
// kernel asks for, and C matches a float64 reference within 1e-5 of Σ|a||b| (summation order
// differs). Skipped, with the reason, where the build could not compile it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { wasmSectionIds } from '../../../src/engine/backends/fastPaths/wasmAdamWKernel';
import { gemmWasmCandidates, gemmWasmUnavailableReason, instantiateGemmKernel, loadGemmWasmModule } from '../../../src/engine/backends/fastPaths/wasmGemmKernel';
import type { GemmWasmKernel } from '../../../src/engine/backends/fastPaths/wasmGemmKernel';
import { mulberry32 } from '../helpers/seededRandom';

const skip = gemmWasmUnavailableReason() ?? false;
const PATTERN = 0xa5;

function kernelFile(): string {
  const file = gemmWasmCandidates().find((f) => existsSync(f));
  assert.ok(file !== undefined);
  return file;
}

function makeKernel(pages: number): { kernel: GemmWasmKernel; memory: WebAssembly.Memory } {
  const module = loadGemmWasmModule(kernelFile());
  assert.ok(module instanceof WebAssembly.Module, String(module));
  const memory = new WebAssembly.Memory({ initial: pages });
  const kernel = instantiateGemmKernel(module, memory);
  assert.ok(typeof kernel !== 'string', String(kernel));
  return { kernel, memory };
}

interface Case {
  batch: number;
  m: number;
  k: number;
  n: number;
  ta: boolean;
  tb: boolean;
  /** Batch entries of a and b: the full batch or 1 (broadcast). */
  batchA: number;
  batchB: number;
  bias: boolean;
  relu: boolean;
}

/** Lays out one case in `memory` (odd 4-byte offsets, pattern between regions), runs it, checks it. */
function runCase(kernel: GemmWasmKernel, memory: WebAssembly.Memory, c: Case, rand: () => number): void {
  const { batch, m, k, n, ta, tb, batchA, batchB } = c;
  const what = JSON.stringify(c);
  const bytes = new Uint8Array(memory.buffer);
  bytes.fill(PATTERN);
  const sizeA = batchA * m * k;
  const sizeB = batchB * k * n;
  const sizeC = batch * m * n;
  const scratchFloats = kernel.scratchFloats(m, k, n);
  // Regions 4 bytes off 16-byte alignment, 64 pattern bytes apart.
  let at = 64 + 4;
  const place = (floats: number): number => {
    const p = at;
    at += floats * 4 + 64;
    at += (16 - (at % 16)) % 16;
    at += 4;
    return p;
  };
  const pa = place(sizeA);
  const pb = place(sizeB);
  const pbias = place(n);
  const pc = place(sizeC);
  const ps = place(scratchFloats);
  assert.ok(at + 64 < bytes.length, `${what}: memory too small`);
  const f32 = new Float32Array(memory.buffer);
  const a = f32.subarray(pa / 4, pa / 4 + sizeA);
  const b = f32.subarray(pb / 4, pb / 4 + sizeB);
  const bias = f32.subarray(pbias / 4, pbias / 4 + n);
  for (let i = 0; i < sizeA; i++) a[i] = rand() * 2 - 1;
  for (let i = 0; i < sizeB; i++) b[i] = rand() * 2 - 1;
  for (let i = 0; i < n; i++) bias[i] = rand() * 2 - 1;
  const before = bytes.slice();
  kernel.run({
    a: pa,
    b: pb,
    c: pc,
    bias: c.bias ? pbias : 0,
    scratch: ps,
    batch,
    m,
    k,
    n,
    aRow: ta ? 1 : k,
    aCol: ta ? m : 1,
    aBatch: batchA === 1 ? 0 : m * k,
    bRow: tb ? 1 : n,
    bCol: tb ? k : 1,
    bBatch: batchB === 1 ? 0 : k * n,
    relu: c.relu,
  });
  const after = new Uint8Array(memory.buffer);
  const inside = (i: number, p: number, floats: number): boolean => i >= p && i < p + floats * 4;
  for (let i = 0; i < after.length; i++) {
    if (inside(i, pc, sizeC) || inside(i, ps, scratchFloats)) continue;
    if (after[i] !== before[i]) assert.fail(`${what}: byte ${i} outside C and the scratch changed`);
  }
  const out = new Float32Array(memory.buffer, pc, sizeC);
  for (let t = 0; t < batch; t++) {
    const ao = batchA === 1 ? 0 : t * m * k;
    const bo = batchB === 1 ? 0 : t * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const x = a[ao + (ta ? p * m + i : i * k + p)];
          const y = b[bo + (tb ? j * k + p : p * n + j)];
          s += x * y;
          abs += Math.abs(x * y);
        }
        if (c.bias) {
          s += bias[j];
          abs += Math.abs(bias[j]);
        }
        if (c.relu) s = Math.max(s, 0);
        const got = out[t * m * n + i * n + j];
        assert.ok(Math.abs(got - s) <= 1e-5 * abs + 1e-30, `${what}: [${t},${i},${j}] ${got} vs ${s}`);
      }
    }
  }
}

test('the kernel module imports only a memory, has no static data and touches no global', { skip }, (t) => {
  const file = kernelFile();
  const module = loadGemmWasmModule(file);
  assert.ok(module instanceof WebAssembly.Module, String(module));
  assert.deepEqual(
    WebAssembly.Module.imports(module).map((i) => i.kind),
    ['memory'],
  );
  const sections = wasmSectionIds(new Uint8Array(readFileSync(file)));
  assert.ok(!sections.includes(11) && !sections.includes(12), 'no data section');
  const r = spawnSync('llvm-objdump', ['-d', file], { encoding: 'utf8' });
  if (r.status !== 0) {
    t.diagnostic('llvm-objdump not available: global check skipped');
    return;
  }
  assert.match(r.stdout, /f32x4\.mul/, 'the disassembly is the kernel');
  assert.doesNotMatch(r.stdout, /global\.(get|set)/, 'no shadow stack pointer');
});

test('every shape edge, transpose and batch layout: writes only C and its scratch, matches float64', { skip }, () => {
  const { kernel, memory } = makeKernel(64);
  const rand = mulberry32(7);
  const sizes: Array<[number, number, number]> = [
    [1, 1, 1],
    [1, 3, 1],
    [2, 1, 3],
    [3, 5, 7],
    [4, 4, 8],
    [5, 9, 17],
    [13, 7, 9],
    [8, 16, 8],
    [33, 17, 70],
    [6, 257, 9], // K beyond one block (256)
    [5, 11, 530], // N beyond one block (512)
    [131, 6, 5], // M beyond one block (128)
  ];
  for (const [m, k, n] of sizes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        runCase(kernel, memory, { batch: 1, m, k, n, ta, tb, batchA: 1, batchB: 1, bias: false, relu: false }, rand);
      }
    }
    runCase(kernel, memory, { batch: 1, m, k, n, ta: false, tb: false, batchA: 1, batchB: 1, bias: true, relu: false }, rand);
    runCase(kernel, memory, { batch: 1, m, k, n, ta: true, tb: true, batchA: 1, batchB: 1, bias: true, relu: true }, rand);
  }
  for (const [batchA, batchB] of [
    [3, 3],
    [3, 1],
    [1, 3],
  ]) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        runCase(kernel, memory, { batch: 3, m: 7, k: 10, n: 9, ta, tb, batchA, batchB, bias: batchA === 1, relu: tb }, rand);
      }
    }
  }
});

test('K = 0 gives the bias (or zeros), ReLU applied, and nothing else is written', { skip }, () => {
  const { kernel, memory } = makeKernel(2);
  const rand = mulberry32(3);
  runCase(kernel, memory, { batch: 2, m: 3, k: 0, n: 5, ta: false, tb: false, batchA: 2, batchB: 2, bias: true, relu: true }, rand);
  runCase(kernel, memory, { batch: 1, m: 3, k: 0, n: 5, ta: true, tb: false, batchA: 1, batchB: 1, bias: false, relu: false }, rand);
});
