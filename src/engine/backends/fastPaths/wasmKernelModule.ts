// What the engine's WebAssembly kernels (wasm/*.c, built by scripts/buildWasmKernels.mjs into
// dist/wasm/) share: where a built file may be, loading it once with the reason when it cannot be
// used, and for the kernels whose module has its own memory (GRU, LSTM, GELU, attention) the check
// of their exports, the growth of that memory, and the 16-byte aligned regions inputs are copied to.
// Each kernel file keeps its own exports, signatures and input checks.

import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** A function exported by a kernel module (all arguments and results are numbers). */
export type WasmFn = (...args: number[]) => number;

/** Where a built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function wasmKernelCandidates(fileName: string): string[] {
  return [path.join(__dirname, 'wasm', fileName), path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'wasm', fileName)];
}

/** A built kernel loaded on first use, or why it is not available. */
export interface LazyWasmKernel<K> {
  /** The kernel (loaded once), or null with the reason in unavailableReason(). */
  kernel(): K | null;
  /** Why kernel() is null, or null when it is available. */
  unavailableReason(): string | null;
}

/**
 * Loads `fileName` from wasmKernelCandidates() with `load` on first use; when no candidate exists
 * the reason is "<fileName> is not built (<notBuiltHint>)".
 */
export function lazyWasmKernel<K>(fileName: string, notBuiltHint: string, load: (file: string) => K | string): LazyWasmKernel<K> {
  let loaded: K | string | undefined;
  const get = (): K | string => {
    if (loaded === undefined) {
      const file = wasmKernelCandidates(fileName).find((f) => existsSync(f));
      loaded = file === undefined ? `${fileName} is not built (${notBuiltHint})` : load(file);
    }
    return loaded;
  };
  return {
    kernel: () => {
      const k = get();
      return typeof k === 'string' ? null : k;
    },
    unavailableReason: () => {
      const k = get();
      return typeof k === 'string' ? k : null;
    },
  };
}

/** The exports of an instance of a module with its own memory. */
export interface StandaloneExports<N extends string> {
  memory: WebAssembly.Memory;
  /** Where the module's own data and stack end: the first byte free for inputs. */
  heapBase: number;
  fns: Record<N, WasmFn>;
}

/**
 * The memory, __heap_base and the functions `names` of an instance, or what it lacks, as a
 * predicate without its subject: "exports no memory", "exports no __heap_base", "lacks a, b or c".
 */
export function standaloneExports<N extends string>(instance: WebAssembly.Instance, names: readonly N[]): StandaloneExports<N> | string {
  const e = instance.exports;
  const memory = e['memory'];
  const heapBase = e['__heap_base'];
  if (!(memory instanceof WebAssembly.Memory)) return 'exports no memory';
  if (!(heapBase instanceof WebAssembly.Global) || typeof heapBase.value !== 'number') return 'exports no __heap_base';
  const fns: Partial<Record<N, WasmFn>> = {};
  for (const name of names) {
    const fn = e[name];
    if (typeof fn !== 'function') return `lacks ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
    fns[name] = fn as WasmFn;
  }
  return { memory, heapBase: heapBase.value, fns: fns as Record<N, WasmFn> };
}

/** A float view of `memory`, grown to at least `bytes`. */
export function growHeap(memory: WebAssembly.Memory, bytes: number): Float32Array {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
  return new Float32Array(memory.buffer);
}

/** Grows `memory` to at least `bytes` and copies each array (null: none) to its byte offset; returns a float view. */
export function copyToHeap(memory: WebAssembly.Memory, bytes: number, inputs: ReadonlyArray<readonly [Float32Array | null, number]>): Float32Array {
  const heap = growHeap(memory, bytes);
  for (const [data, at] of inputs) if (data !== null) heap.set(data, at / 4);
  return heap;
}

/** Byte offsets of regions of floats, each 16-byte aligned, handed out in order from a start. */
export class HeapLayout {
  private end: number;
  constructor(start: number) {
    this.end = Math.ceil(start / 16) * 16;
  }
  /** A region of n floats; returns its byte offset. */
  take(n: number): number {
    const at = this.end;
    this.end += Math.ceil((n * 4) / 16) * 16;
    return at;
  }
  get bytes(): number {
    return this.end;
  }
}

/** The "not built" hint of the GELU, AdamW and GEMM kernels. */
export const NOT_BUILT_HINT = 'the build compiles it when clang with the wasm32 target is installed';

/** The "not built" hint of the GRU, LSTM and attention kernels. */
export const NPM_BUILD_HINT = 'npm run build builds it when clang is installed';
