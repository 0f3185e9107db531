// The fused AdamW step and the gradient sum of squares through the WebAssembly SIMD kernel
// (wasm/adamwKernel.c), run directly on tfjs-wasm's heap: the kernel imports tfjs-wasm's own
// WebAssembly.Memory, so tensors are read and written in place by their byte offsets, with no copies
// (the other kernels here copy into a memory of their own; for an optimizer step over millions of
// weights the copies would cost more than the arithmetic).
//
// The kernel is built from its C source by the project's build (scripts/buildWasmKernels.mjs,
// Debian's clang with the wasm32 target, linked with --import-memory) into
// dist/wasm/adamwKernel.wasm; nothing prebuilt is committed. Where the file is missing or cannot be
// used here, adamwWasmKernelFor() returns null and adamwWasmUnavailableReason() says why; the
// TypeScript loops of fusedAdamW.ts then run on the same heap views.
//
// Safety: a module sharing tfjs's memory must only write through the pointers it is given. The
// loader refuses a module that imports anything but one memory or that has a data section (static
// data would be written into tfjs's memory at instantiation); the C source keeps no local arrays
// and calls nothing, and a unit test checks that a call leaves every byte outside its outputs alone.

import { importedMemoryKernel, instantiateOnMemory, loadImportedMemoryModule } from './wasmImportedMemoryModule';
import { wasmKernelCandidates } from './wasmKernelModule';

export { tfjsWasmMemory, wasmSectionIds } from './wasmImportedMemoryModule';

export const ADAMW_WASM_FILE = 'adamwKernel.wasm';

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function adamwWasmCandidates(): string[] {
  return wasmKernelCandidates(ADAMW_WASM_FILE);
}

/** The float32 scalars of one AdamW step (see fusedAdamW.ts for their meaning). */
export interface AdamWScalars {
  /** Gradient scale: the clip factor, 1 without clipping. */
  scale: number;
  beta1: number;
  /** float32(1 − β1). */
  oneMinusBeta1: number;
  beta2: number;
  /** float32(1 − β2). */
  oneMinusBeta2: number;
  /** float32(lr · weightDecay); applied only when `decay`. */
  decayRate: number;
  decay: boolean;
  biasCorrection1: number;
  biasCorrection2: number;
  learningRate: number;
  epsilon: number;
}

/** Byte offsets into the memory the kernel was instantiated with. */
export interface AdamWPointers {
  p: number;
  m: number;
  v: number;
  g: number;
  pOut: number;
  mOut: number;
  vOut: number;
}

export interface AdamWWasmKernel {
  /** Σ g² over n float32 values at byte offset `g`, in double precision. */
  sumSquares(g: number, n: number): number;
  /** One AdamW step of n entries (outputs must not overlap inputs). */
  update(at: AdamWPointers, n: number, s: AdamWScalars): void;
}

type SumFn = (g: number, n: number) => number;
type UpdateFn = (...args: number[]) => void;

const EXPORTS = ['sum_squares', 'adamw_update'] as const;

/** Compiles and checks the kernel file (see wasmImportedMemoryModule.ts); the module, or why it cannot be used. */
export function loadAdamWWasmModule(file: string): WebAssembly.Module | string {
  return loadImportedMemoryModule(file, EXPORTS);
}

class Kernel implements AdamWWasmKernel {
  constructor(
    private readonly sum: SumFn,
    private readonly step: UpdateFn,
  ) {}

  sumSquares(g: number, n: number): number {
    return this.sum(g, n);
  }

  update(at: AdamWPointers, n: number, s: AdamWScalars): void {
    this.step(
      at.p,
      at.m,
      at.v,
      at.g,
      at.pOut,
      at.mOut,
      at.vOut,
      n,
      s.scale,
      s.beta1,
      s.oneMinusBeta1,
      s.beta2,
      s.oneMinusBeta2,
      s.decay ? 1 : 0,
      s.decayRate,
      s.biasCorrection1,
      s.biasCorrection2,
      s.learningRate,
      s.epsilon,
    );
  }
}

/** The kernel of `module` working on `memory`; the kernel, or why it cannot be instantiated. */
export function instantiateAdamWKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): AdamWWasmKernel | string {
  const fns = instantiateOnMemory(module, memory, EXPORTS);
  return typeof fns === 'string' ? fns : new Kernel(fns.sum_squares, fns.adamw_update);
}

const kernel = importedMemoryKernel(ADAMW_WASM_FILE, loadAdamWWasmModule, instantiateAdamWKernel);

/** The kernel on `memory` when built and usable here, else null (see adamwWasmUnavailableReason). */
export const adamwWasmKernelFor: (memory: WebAssembly.Memory) => AdamWWasmKernel | null = kernel.kernelFor;

/** Why the kernel is not available, or null when its module is built and loadable. */
export const adamwWasmUnavailableReason: () => string | null = kernel.unavailableReason;
