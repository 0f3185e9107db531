// The module instances of a recurrent wasm kernel (wasmGruKernel.ts, wasmLstmKernel.ts) that keep
// the tapes of recent forward passes: a forward pass leaves its tape (states and gates of every
// step) in the memory of the instance it ran in, for its backward pass. Up to `max` instances (each
// its own memory) keep the tapes of that many recent forward passes; a backward pass whose instance
// has since run another forward pass first recomputes its forward pass in another instance (same
// inputs, same kernel: the same tape). Also the loading of such a kernel (its module compiled once,
// each instance's exports checked) and the part of the kernel classes that is not their own.

import { readFileSync } from 'node:fs';
import { growHeap, standaloneExports, type StandaloneExports } from './wasmKernelModule';

/** One module instance and which forward pass its memory holds the tape of. */
export class TapeSlot<E extends { memory: WebAssembly.Memory }> {
  /** Bumped by every forward pass run here. */
  generation = 0;
  lastUsed = 0;
  constructor(readonly k: E) {}

  /** A float view of the memory, grown to at least `bytes`. */
  heap(bytes: number): Float32Array {
    return growHeap(this.k.memory, bytes);
  }
}

export class TapeSlots<E extends { memory: WebAssembly.Memory }> {
  private readonly slots: TapeSlot<E>[] = [];
  private clock = 0;
  /** Forward passes run again because their tape had been overwritten (for tests and benchmarks). */
  recomputations = 0;

  constructor(
    private readonly max: number,
    first: E,
    /** The exports of a fresh instance. */
    private readonly instantiate: () => E,
  ) {
    this.slots.push(new TapeSlot(first));
  }

  /** An instance for a new forward pass: a fresh one up to `max`, else the least recently used. */
  private acquire(): TapeSlot<E> {
    let slot: TapeSlot<E> | undefined;
    if (this.slots.length < this.max && this.slots.every((s) => s.generation > 0)) {
      slot = new TapeSlot(this.instantiate());
      this.slots.push(slot);
    } else {
      slot = this.slots.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a));
    }
    slot.generation++;
    slot.lastUsed = ++this.clock;
    return slot;
  }

  /**
   * Runs `forward` in an instance; returns its output and the backward pass: `checkDy`, then
   * `backward` in an instance whose memory holds this forward pass's tape (running `forward` again
   * first when the tape has been overwritten).
   */
  run<G>(
    forward: (slot: TapeSlot<E>) => Float32Array,
    checkDy: (dy: Float32Array) => void,
    backward: (slot: TapeSlot<E>, dy: Float32Array) => G,
  ): { output: Float32Array; backward: (dy: Float32Array) => G } {
    const slot = this.acquire();
    const generation = slot.generation;
    const output = forward(slot);
    return {
      output,
      backward: (dy: Float32Array): G => {
        checkDy(dy);
        let at = slot;
        if (slot.generation === generation) {
          slot.lastUsed = ++this.clock;
        } else {
          this.recomputations++;
          at = this.acquire();
          forward(at);
        }
        return backward(at, dy);
      },
    };
  }
}

/** The exports of an instance, or what it lacks ("it exports no memory", …). */
function tapeExports<N extends string>(instance: WebAssembly.Instance, names: readonly N[]): StandaloneExports<N> | string {
  const e = standaloneExports(instance, names);
  return typeof e === 'string' ? `it ${e}` : e;
}

/** Compiles the kernel `file` (exporting `names`) into up to `max` instances; or why not. */
export function loadTapeSlots<N extends string>(file: string, names: readonly N[], max: number): TapeSlots<StandaloneExports<N>> | string {
  try {
    const module = new WebAssembly.Module(readFileSync(file));
    const first = tapeExports(new WebAssembly.Instance(module, {}), names);
    if (typeof first === 'string') return `${file}: ${first}`;
    return new TapeSlots(max, first, () => {
      const k = tapeExports(new WebAssembly.Instance(module, {}), names);
      if (typeof k === 'string') throw new Error(`${file}: ${k}`);
      return k;
    });
  } catch (err) {
    return `${file} could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The part of a recurrent wasm kernel that is not its own: its instances and where it was loaded from. */
export abstract class TapedWasmKernel<E extends { memory: WebAssembly.Memory }> {
  readonly name = 'wasm-simd';

  constructor(
    protected readonly slots: TapeSlots<E>,
    /** The file it was loaded from. */
    readonly file: string,
  ) {}

  /** Forward passes run again because their tape had been overwritten (for tests and benchmarks). */
  get recomputations(): number {
    return this.slots.recomputations;
  }
}
