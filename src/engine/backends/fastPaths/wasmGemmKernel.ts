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

import { importedMemoryKernel, instantiateOnMemory, loadImportedMemoryModule } from './wasmImportedMemoryModule';
import { wasmKernelCandidates } from './wasmKernelModule';

export const GEMM_WASM_FILE = 'gemmKernel.wasm';

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function gemmWasmCandidates(): string[] {
  return wasmKernelCandidates(GEMM_WASM_FILE);
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

const EXPORTS = ['gemm_f32', 'gemm_scratch_floats'] as const;

/** Compiles and checks the kernel file (see wasmImportedMemoryModule.ts); the module, or why it cannot be used. */
export function loadGemmWasmModule(file: string): WebAssembly.Module | string {
  return loadImportedMemoryModule(file, EXPORTS);
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
  const fns = instantiateOnMemory(module, memory, EXPORTS);
  return typeof fns === 'string' ? fns : new Kernel(fns.gemm_scratch_floats, fns.gemm_f32);
}

const kernel = importedMemoryKernel(GEMM_WASM_FILE, loadGemmWasmModule, instantiateGemmKernel);

/** The kernel on `memory` when built and usable here, else null (see gemmWasmUnavailableReason). */
export const gemmWasmKernelFor: (memory: WebAssembly.Memory) => GemmWasmKernel | null = kernel.kernelFor;

/** Why the kernel is not available, or null when its module is built and loadable. */
export const gemmWasmUnavailableReason: () => string | null = kernel.unavailableReason;
