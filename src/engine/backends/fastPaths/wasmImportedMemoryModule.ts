// What the WebAssembly kernels that run on tfjs-wasm's own memory (wasmAdamWKernel.ts,
// wasmGemmKernel.ts) share: finding tfjs-wasm's WebAssembly.Memory, compiling and checking a
// kernel module, instantiating it on a memory (once per memory), and loading it once.
//
// Safety: a module sharing tfjs's memory must only write through the pointers it is given. The
// loader refuses a module that imports anything but one memory (so it has no memory of its own and
// calls nothing outside) or that has a data section (static data would be written into tfjs's
// memory at instantiation).

import { readFileSync } from 'node:fs';
import { lazyWasmKernel, NOT_BUILT_HINT, type WasmFn } from './wasmKernelModule';

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

function lacks(names: readonly string[]): string {
  return `lacks ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Compiles and checks the kernel file, which must export `names`; the module, or why it cannot be used. */
export function loadImportedMemoryModule(file: string, names: readonly string[]): WebAssembly.Module | string {
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
    const exported = WebAssembly.Module.exports(module).map((e) => e.name);
    if (!names.every((n) => exported.includes(n))) return `${file} ${lacks(names)}`;
    return module;
  } catch (err) {
    return `${file} could not be compiled here: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The functions `names` of `module` instantiated on `memory`, or why it cannot be instantiated. */
export function instantiateOnMemory<N extends string>(module: WebAssembly.Module, memory: WebAssembly.Memory, names: readonly N[]): Record<N, WasmFn> | string {
  const [memoryImport] = WebAssembly.Module.imports(module);
  try {
    const instance = new WebAssembly.Instance(module, { [memoryImport.module]: { [memoryImport.name]: memory } });
    const fns: Partial<Record<N, WasmFn>> = {};
    for (const name of names) {
      const fn = instance.exports[name];
      if (typeof fn !== 'function') return `the kernel ${lacks(names)}`;
      fns[name] = fn as WasmFn;
    }
    return fns as Record<N, WasmFn>;
  } catch (err) {
    return `the kernel could not be instantiated on tfjs-wasm's memory: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** A kernel on tfjs-wasm's memory: its module loaded once, instantiated once per memory. */
export interface ImportedMemoryKernel<K> {
  /** The kernel on `memory` when built and usable here, else null (see unavailableReason). */
  kernelFor(memory: WebAssembly.Memory): K | null;
  /** Why the kernel is not available, or null when its module is built and loadable. */
  unavailableReason(): string | null;
}

/** The kernel built as `fileName`, loaded with `load` and made per memory with `instantiate`. */
export function importedMemoryKernel<K>(
  fileName: string,
  load: (file: string) => WebAssembly.Module | string,
  instantiate: (module: WebAssembly.Module, memory: WebAssembly.Memory) => K | string,
): ImportedMemoryKernel<K> {
  const lazy = lazyWasmKernel(fileName, NOT_BUILT_HINT, load);
  const instances = new WeakMap<WebAssembly.Memory, K | string>();
  return {
    kernelFor: (memory) => {
      const module = lazy.kernel();
      if (module === null) return null;
      let k = instances.get(memory);
      if (k === undefined) {
        k = instantiate(module, memory);
        instances.set(memory, k);
      }
      return typeof k === 'string' ? null : k;
    },
    unavailableReason: () => lazy.unavailableReason(),
  };
}
