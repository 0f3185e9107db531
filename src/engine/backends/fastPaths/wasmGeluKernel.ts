// The GELU forward and input gradient through the WebAssembly SIMD kernel (wasm/geluKernel.c),
// with the API of fusedGelu.ts's TypeScript loops: same formulas, in float32 lanes.
//
// The kernel is built from its C source by the project's build (scripts/buildWasmKernels.mjs,
// Debian's clang with the wasm32 target) into dist/wasm/geluKernel.wasm; nothing prebuilt is
// committed. Where the file is missing or cannot be compiled here, geluWasmKernel() returns null
// and geluWasmUnavailableReason() says why. The module instance has its own memory: inputs are
// copied in, the output copied out (a few ms per 4 MB tensor, far less than the stock kernels).

import { readFileSync } from 'node:fs';
import { copyToHeap, growHeap, HeapLayout, lazyWasmKernel, NOT_BUILT_HINT, standaloneExports, wasmKernelCandidates, type WasmFn } from './wasmKernelModule';

export const GELU_WASM_FILE = 'geluKernel.wasm';

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function geluWasmCandidates(): string[] {
  return wasmKernelCandidates(GELU_WASM_FILE);
}

type KernelFn = WasmFn;

export interface GeluWasmKernel {
  /** out = gelu(x). */
  forward(x: Float32Array, out: Float32Array, approximate: boolean): void;
  /** out = dy · gelu'(x). */
  backward(dy: Float32Array, x: Float32Array, out: Float32Array, approximate: boolean): void;
}

class Kernel implements GeluWasmKernel {
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly heapBase: number,
    private readonly fwd: KernelFn,
    private readonly bwd: KernelFn,
  ) {}

  forward(x: Float32Array, out: Float32Array, approximate: boolean): void {
    const n = x.length;
    const [xAt, outAt] = this.regions(n, 2);
    copyToHeap(this.memory, outAt + 4 * n, [[x, xAt]]);
    this.fwd(xAt, outAt, n, approximate ? 1 : 0);
    out.set(this.heap(0).subarray(outAt / 4, outAt / 4 + n));
  }

  backward(dy: Float32Array, x: Float32Array, out: Float32Array, approximate: boolean): void {
    const n = x.length;
    const [dyAt, xAt, outAt] = this.regions(n, 3);
    copyToHeap(this.memory, outAt + 4 * n, [
      [dy, dyAt],
      [x, xAt],
    ]);
    this.bwd(dyAt, xAt, outAt, n, approximate ? 1 : 0);
    out.set(this.heap(0).subarray(outAt / 4, outAt / 4 + n));
  }

  /** Byte offsets of `count` regions of n floats after the module's own data and stack. */
  private regions(n: number, count: number): number[] {
    const layout = new HeapLayout(this.heapBase);
    return Array.from({ length: count }, () => layout.take(n));
  }

  /** A float view of the memory, grown to at least `bytes`. */
  private heap(bytes: number): Float32Array {
    return growHeap(this.memory, bytes);
  }
}

/** Compiles the kernel file; the kernel, or why it cannot be used. */
export function loadGeluWasmKernel(file: string): GeluWasmKernel | string {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {});
    const e = standaloneExports(instance, ['gelu_forward', 'gelu_backward']);
    if (typeof e === 'string') return `${file} ${e}`;
    return new Kernel(e.memory, e.heapBase, e.fns.gelu_forward, e.fns.gelu_backward);
  } catch (err) {
    return `${file} could not be compiled here: ${err instanceof Error ? err.message : String(err)}`;
  }
}

const lazy = lazyWasmKernel(GELU_WASM_FILE, NOT_BUILT_HINT, loadGeluWasmKernel);

/** The kernel when built and loadable here, else null. */
export const geluWasmKernel: () => GeluWasmKernel | null = lazy.kernel;

/** Why the kernel is not available, or null when it is. */
export const geluWasmUnavailableReason: () => string | null = lazy.unavailableReason;
