// Loads the float32 GEMM WebAssembly kernel (wasm/gemmKernel.c) onto tfjs-wasm's own memory.
//
// The kernel is linked with --import-memory and instantiated with tfjs-wasm's WebAssembly.Memory,
// so it reads operands and writes its output where tfjs keeps them (byte offsets), with no copies.
// Built from its C source by the project's build (scripts/buildWasmKernels.mjs) into
// dist/wasm/gemmKernel.wasm; nothing prebuilt is committed. Where the file is missing or cannot be
// used, gemmWasmKernelFor() returns null and gemmWasmUnavailableReason() says why; the matMul
// kernels then take their earlier route (transposedMatMulKernel.ts: XNNPACK after explicit transposes).
//
// Safety, as for the AdamW kernel: the loader refuses a module that imports anything but one memory
// or that has a data section; the C source keeps no static data or local arrays and calls nothing.

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { wasmSectionIds } from './wasmAdamWKernel';

export const GEMM_WASM_FILE = 'gemmKernel.wasm';

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function gemmWasmCandidates(): string[] {
  return [path.join(__dirname, 'wasm', GEMM_WASM_FILE), path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'wasm', GEMM_WASM_FILE)];
}

/**
 * One strided GEMM call; every pointer a byte offset into the kernel's memory, strides in floats.
 * op(A)[t](i, p) = a[t·aBatch + i·aRow + p·aCol]; op(B)[t](p, j) = b[t·bBatch + p·bRow + j·bCol];
 * c[t] is m×n row-major and contiguous; bias is n floats or 0 (none).
 */
export interface GemmCall {
  a: number;
  b: number;
  c: number;
  bias: number;
  scratch: number;
  batch: number;
  m: number;
  k: number;
  n: number;
  aRow: number;
  aCol: number;
  aBatch: number;
  bRow: number;
  bCol: number;
  bBatch: number;
  relu: boolean;
}

export interface GemmWasmKernel {
  /** Floats of scratch a call of this size needs. */
  scratchFloats(m: number, k: number, n: number): number;
  run(call: GemmCall): void;
}

type ScratchFn = (m: number, k: number, n: number) => number;
type GemmFn = (...args: number[]) => void;

const SECTION_DATA = 11;
const SECTION_DATA_COUNT = 12;

/** Compiles and checks the kernel file; the module, or why it cannot be used. */
export function loadGemmWasmModule(file: string): WebAssembly.Module | string {
  try {
    const bytes = readFileSync(file);
    const module = new WebAssembly.Module(bytes);
    const imports = WebAssembly.Module.imports(module);
    if (imports.length !== 1 || imports[0].kind !== 'memory') {
      return `${file} must import exactly one memory (it is linked with --import-memory), found ${JSON.stringify(imports)}`;
    }
    const sections = wasmSectionIds(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (sections.includes(SECTION_DATA) || sections.includes(SECTION_DATA_COUNT)) {
      return `${file} has static data, which would be written into tfjs's memory`;
    }
    const names = WebAssembly.Module.exports(module).map((e) => e.name);
    if (!names.includes('gemm_f32') || !names.includes('gemm_scratch_floats')) return `${file} lacks gemm_f32 or gemm_scratch_floats`;
    return module;
  } catch (err) {
    return `${file} could not be compiled here: ${err instanceof Error ? err.message : String(err)}`;
  }
}

class Kernel implements GemmWasmKernel {
  constructor(
    private readonly scratch: ScratchFn,
    private readonly gemm: GemmFn,
  ) {}

  scratchFloats(m: number, k: number, n: number): number {
    return this.scratch(m, k, n);
  }

  run(c: GemmCall): void {
    this.gemm(c.a, c.b, c.c, c.bias, c.scratch, c.batch, c.m, c.k, c.n, c.aRow, c.aCol, c.aBatch, c.bRow, c.bCol, c.bBatch, c.relu ? 1 : 0);
  }
}

/** The kernel of `module` working on `memory`; the kernel, or why it cannot be instantiated. */
export function instantiateGemmKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): GemmWasmKernel | string {
  const [memoryImport] = WebAssembly.Module.imports(module);
  try {
    const instance = new WebAssembly.Instance(module, { [memoryImport.module]: { [memoryImport.name]: memory } });
    const scratch = instance.exports['gemm_scratch_floats'];
    const gemm = instance.exports['gemm_f32'];
    if (typeof scratch !== 'function' || typeof gemm !== 'function') return 'the kernel lacks gemm_f32 or gemm_scratch_floats';
    return new Kernel(scratch as ScratchFn, gemm as GemmFn);
  } catch (err) {
    return `the kernel could not be instantiated on tfjs-wasm's memory: ${err instanceof Error ? err.message : String(err)}`;
  }
}

let loaded: { module: WebAssembly.Module | null; reason: string | null } | null = null;

function loadModule(): { module: WebAssembly.Module | null; reason: string | null } {
  if (loaded !== null) return loaded;
  const file = gemmWasmCandidates().find((f) => existsSync(f));
  if (file === undefined) {
    loaded = { module: null, reason: `${GEMM_WASM_FILE} is not built (the build compiles it when clang with the wasm32 target is installed)` };
  } else {
    const m = loadGemmWasmModule(file);
    loaded = typeof m === 'string' ? { module: null, reason: m } : { module: m, reason: null };
  }
  return loaded;
}

const instances = new WeakMap<WebAssembly.Memory, GemmWasmKernel | string>();

/** The kernel on `memory` when built and usable here, else null (see gemmWasmUnavailableReason). */
export function gemmWasmKernelFor(memory: WebAssembly.Memory): GemmWasmKernel | null {
  const { module } = loadModule();
  if (module === null) return null;
  let k = instances.get(memory);
  if (k === undefined) {
    k = instantiateGemmKernel(module, memory);
    instances.set(memory, k);
  }
  return typeof k === 'string' ? null : k;
}

/** Why the kernel is not available, or null when its module is built and loadable. */
export function gemmWasmUnavailableReason(): string | null {
  return loadModule().reason;
}
