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

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const ADAMW_WASM_FILE = 'adamwKernel.wasm';

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function adamwWasmCandidates(): string[] {
  return [path.join(__dirname, 'wasm', ADAMW_WASM_FILE), path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'wasm', ADAMW_WASM_FILE)];
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

const SECTION_DATA = 11;
const SECTION_DATA_COUNT = 12;

/** Ids of the module's sections (the binary format's section headers; custom sections are 0). */
export function wasmSectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8; // magic + version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

/** Compiles and checks the kernel file; the module, or why it cannot be used. */
export function loadAdamWWasmModule(file: string): WebAssembly.Module | string {
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
    if (!names.includes('sum_squares') || !names.includes('adamw_update')) return `${file} lacks sum_squares or adamw_update`;
    return module;
  } catch (err) {
    return `${file} could not be compiled here: ${err instanceof Error ? err.message : String(err)}`;
  }
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
  const [memoryImport] = WebAssembly.Module.imports(module);
  try {
    const instance = new WebAssembly.Instance(module, { [memoryImport.module]: { [memoryImport.name]: memory } });
    const sum = instance.exports['sum_squares'];
    const update = instance.exports['adamw_update'];
    if (typeof sum !== 'function' || typeof update !== 'function') return 'the kernel lacks sum_squares or adamw_update';
    return new Kernel(sum as SumFn, update as UpdateFn);
  } catch (err) {
    return `the kernel could not be instantiated on tfjs-wasm's memory: ${err instanceof Error ? err.message : String(err)}`;
  }
}

let loaded: { module: WebAssembly.Module | null; reason: string | null } | null = null;

function loadModule(): { module: WebAssembly.Module | null; reason: string | null } {
  if (loaded !== null) return loaded;
  const file = adamwWasmCandidates().find((f) => existsSync(f));
  if (file === undefined) {
    loaded = { module: null, reason: `${ADAMW_WASM_FILE} is not built (the build compiles it when clang with the wasm32 target is installed)` };
  } else {
    const m = loadAdamWWasmModule(file);
    loaded = typeof m === 'string' ? { module: null, reason: m } : { module: m, reason: null };
  }
  return loaded;
}

/** tfjs-wasm's WebAssembly.Memory (BackendWasm.wasm.asm.memory in tfjs 4.22, non-threaded), or null. */
export function tfjsWasmMemory(backend: unknown): WebAssembly.Memory | null {
  if (typeof backend !== 'object' || backend === null) return null;
  const wasm: unknown = Reflect.get(backend, 'wasm');
  if (typeof wasm !== 'object' || wasm === null) return null;
  const asm: unknown = Reflect.get(wasm, 'asm');
  if (typeof asm !== 'object' || asm === null) return null;
  const memory: unknown = Reflect.get(asm, 'memory');
  return memory instanceof WebAssembly.Memory ? memory : null;
}

const instances = new WeakMap<WebAssembly.Memory, AdamWWasmKernel | string>();

/** The kernel on `memory` when built and usable here, else null (see adamwWasmUnavailableReason). */
export function adamwWasmKernelFor(memory: WebAssembly.Memory): AdamWWasmKernel | null {
  const { module } = loadModule();
  if (module === null) return null;
  let k = instances.get(memory);
  if (k === undefined) {
    k = instantiateAdamWKernel(module, memory);
    instances.set(memory, k);
  }
  return typeof k === 'string' ? null : k;
}

/** Why the kernel is not available, or null when its module is built and loadable. */
export function adamwWasmUnavailableReason(): string | null {
  return loadModule().reason;
}
