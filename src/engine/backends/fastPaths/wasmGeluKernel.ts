// The GELU forward and input gradient through the WebAssembly SIMD kernel (wasm/geluKernel.c),
// with the API of fusedGelu.ts's TypeScript loops: same formulas, in float32 lanes.
//
// The kernel is built from its C source by the project's build (scripts/buildWasmKernels.mjs,
// Debian's clang with the wasm32 target) into dist/wasm/geluKernel.wasm; nothing prebuilt is
// committed. Where the file is missing or cannot be compiled here, geluWasmKernel() returns null
// and geluWasmUnavailableReason() says why. The module instance has its own memory: inputs are
// copied in, the output copied out (a few ms per 4 MB tensor, far less than the stock kernels).

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const GELU_WASM_FILE = 'geluKernel.wasm';

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function geluWasmCandidates(): string[] {
  return [path.join(__dirname, 'wasm', GELU_WASM_FILE), path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'wasm', GELU_WASM_FILE)];
}

type KernelFn = (...args: number[]) => void;

export interface GeluWasmKernel {
  /** out = gelu(x). */
  forward(x: Float32Array, out: Float32Array, approximate: boolean): void;
  /** out = dy · gelu'(x). */
  backward(dy: Float32Array, x: Float32Array, out: Float32Array, approximate: boolean): void;
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
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
    const heap = this.heap(outAt + 4 * n);
    heap.set(x, xAt / 4);
    this.fwd(xAt, outAt, n, approximate ? 1 : 0);
    out.set(this.heap(0).subarray(outAt / 4, outAt / 4 + n));
  }

  backward(dy: Float32Array, x: Float32Array, out: Float32Array, approximate: boolean): void {
    const n = x.length;
    const [dyAt, xAt, outAt] = this.regions(n, 3);
    const heap = this.heap(outAt + 4 * n);
    heap.set(dy, dyAt / 4);
    heap.set(x, xAt / 4);
    this.bwd(dyAt, xAt, outAt, n, approximate ? 1 : 0);
    out.set(this.heap(0).subarray(outAt / 4, outAt / 4 + n));
  }

  /** Byte offsets of `count` regions of n floats after the module's own data and stack. */
  private regions(n: number, count: number): number[] {
    const first = align16(this.heapBase);
    return Array.from({ length: count }, (_, i) => first + i * align16(4 * n));
  }

  /** A float view of the memory, grown to at least `bytes`. */
  private heap(bytes: number): Float32Array {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
    return new Float32Array(this.memory.buffer);
  }
}

/** Compiles the kernel file; the kernel, or why it cannot be used. */
export function loadGeluWasmKernel(file: string): GeluWasmKernel | string {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {});
    const e = instance.exports;
    const memory = e['memory'];
    const heapBase = e['__heap_base'];
    const fwd = e['gelu_forward'];
    const bwd = e['gelu_backward'];
    if (!(memory instanceof WebAssembly.Memory)) return `${file} exports no memory`;
    if (!(heapBase instanceof WebAssembly.Global) || typeof heapBase.value !== 'number') return `${file} exports no __heap_base`;
    if (typeof fwd !== 'function' || typeof bwd !== 'function') return `${file} lacks gelu_forward or gelu_backward`;
    return new Kernel(memory, heapBase.value, fwd as KernelFn, bwd as KernelFn);
  } catch (err) {
    return `${file} could not be compiled here: ${err instanceof Error ? err.message : String(err)}`;
  }
}

let loaded: { kernel: GeluWasmKernel | null; reason: string | null } | null = null;

function load(): { kernel: GeluWasmKernel | null; reason: string | null } {
  if (loaded !== null) return loaded;
  const file = geluWasmCandidates().find((f) => existsSync(f));
  if (file === undefined) {
    loaded = { kernel: null, reason: `${GELU_WASM_FILE} is not built (the build compiles it when clang with the wasm32 target is installed)` };
  } else {
    const k = loadGeluWasmKernel(file);
    loaded = typeof k === 'string' ? { kernel: null, reason: k } : { kernel: k, reason: null };
  }
  return loaded;
}

/** The kernel when built and loadable here, else null. */
export function geluWasmKernel(): GeluWasmKernel | null {
  return load().kernel;
}

/** Why the kernel is not available, or null when it is. */
export function geluWasmUnavailableReason(): string | null {
  return load().reason;
}
