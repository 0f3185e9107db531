// The GRU recurrence through the WebAssembly SIMD kernel (wasm/gruKernel.c), with the API of
// gruRecurrence.ts: same inputs, same formulas and gradients (float32 sums in another order).
//
// The kernel is built from its C source by the project's build (scripts/buildWasmKernels.mjs,
// Debian's clang with the wasm32 target) into dist/wasm/gruKernel.wasm; nothing prebuilt is
// committed. Where the file is missing (no clang when the project was built) or cannot be
// compiled here, gruWasmKernel() returns null with the reason and the TypeScript kernel is used.
//
// Memory: the forward pass leaves its tape (states and gates of every step) in the memory of the
// module instance it ran in, for its backward pass, instead of copying it out. Up to MAX_SLOTS
// instances (each its own memory) keep the tapes of that many recent forward passes; a backward
// pass whose instance has since run another forward pass first recomputes its forward pass there
// (same inputs, same kernel: the same tape). Training a model with one GRU layer never recomputes.

import { checkGruInputs } from './gruRecurrence';
import type { GruDims, GruGradients, GruKernel, GruOptions, GruRun } from './gruRecurrence';
import { HeapLayout, lazyWasmKernel, NPM_BUILD_HINT, wasmKernelCandidates, type StandaloneExports } from './wasmKernelModule';
import { loadTapeSlots, TapedWasmKernel, type TapeSlot } from './wasmTapeSlots';

export const GRU_WASM_FILE = 'gruKernel.wasm';

/** Instances, so forward passes whose tapes stay available for their backward pass. */
export const MAX_SLOTS = 4;

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function gruWasmCandidates(): string[] {
  return wasmKernelCandidates(GRU_WASM_FILE);
}

const EXPORTS = ['gru_forward', 'gru_backward'] as const;
type KernelExports = StandaloneExports<(typeof EXPORTS)[number]>;

/** The tape of one direction in an instance's memory. */
interface DirectionRegions {
  U: number;
  H: number;
  Z: number;
  R: number;
  HH: number;
  ZS: number;
  RS: number;
}

interface ForwardRegions {
  proj: number;
  out: number;
  scratch: number;
  dirs: [DirectionRegions, DirectionRegions];
  /** Where the backward pass's own regions may start. */
  end: number;
}

function forwardRegions(start: number, dims: GruDims): ForwardRegions {
  const { batch, time, units: u } = dims;
  const n = time * batch * u;
  const layout = new HeapLayout(start);
  const proj = layout.take(batch * time * 6 * u);
  const out = layout.take(batch * time * 2 * u);
  const scratch = layout.take(16 * u);
  const direction = (): DirectionRegions => ({
    U: layout.take(3 * u * u),
    H: layout.take((time + 1) * batch * u),
    Z: layout.take(n),
    R: layout.take(n),
    HH: layout.take(n),
    ZS: layout.take(n),
    RS: layout.take(n),
  });
  const dirs: [DirectionRegions, DirectionRegions] = [direction(), direction()];
  return { proj, out, scratch, dirs, end: layout.bytes };
}

type Slot = TapeSlot<KernelExports>;

export class WasmGruKernel extends TapedWasmKernel<KernelExports> implements GruKernel {
  /** Runs the forward pass in `slot`; returns the output (copied out). */
  private forwardIn(slot: Slot, proj: Float32Array, kernels: [Float32Array, Float32Array], dims: GruDims, options: GruOptions): Float32Array {
    const { batch, time, units: u } = dims;
    const bu = batch * u;
    const at = forwardRegions(slot.k.heapBase, dims);
    const heap = slot.heap(at.end);
    heap.set(proj, at.proj / 4);
    for (let d = 0; d < 2; d++) {
      const r = at.dirs[d];
      heap.set(kernels[d], r.U / 4);
      heap.fill(0, r.H / 4, r.H / 4 + bu);
      slot.k.fns.gru_forward(d, batch, time, u, options.activation === 'hardSigmoid' ? 1 : 0, 1, at.proj, r.U, r.H, r.Z, r.R, r.HH, r.ZS, r.RS, at.out, at.scratch);
    }
    if (options.returnSequences) return heap.slice(at.out / 4, at.out / 4 + batch * time * 2 * u);
    const output = new Float32Array(batch * 2 * u);
    for (let d = 0; d < 2; d++) {
      const last = at.dirs[d].H / 4 + time * bu;
      for (let b = 0; b < batch; b++) output.set(heap.subarray(last + b * u, last + (b + 1) * u), b * 2 * u + d * u);
    }
    return output;
  }

  /** Runs the backward pass in `slot`, whose memory holds the tape of this forward pass. */
  private backwardIn(slot: Slot, kernels: [Float32Array, Float32Array], dims: GruDims, options: GruOptions, dy: Float32Array): GruGradients {
    const { batch, time, units: u } = dims;
    const bu = batch * u;
    const u3 = 3 * u;
    const fw = forwardRegions(slot.k.heapBase, dims);
    const layout = new HeapLayout(fw.end);
    const at = {
      dy: layout.take(dy.length),
      UT: layout.take(u3 * u),
      dProj: layout.take(batch * time * 6 * u),
      dU: layout.take(u * u3),
      dh: layout.take(bu),
      dhPrev: layout.take(bu),
      scratch: layout.take(20 * u),
    };
    const heap = slot.heap(layout.bytes);
    heap.set(dy, at.dy / 4);
    const dKernels: [Float32Array, Float32Array] = [new Float32Array(0), new Float32Array(0)];
    for (let d = 0; d < 2; d++) {
      const r = fw.dirs[d];
      const U = kernels[d];
      const ut = at.UT / 4;
      for (let k = 0; k < u; k++) for (let j = 0; j < u3; j++) heap[ut + j * u + k] = U[k * u3 + j];
      heap.fill(0, at.dU / 4, at.dU / 4 + u * u3);
      if (options.returnSequences) heap.fill(0, at.dh / 4, at.dh / 4 + bu);
      else for (let b = 0; b < batch; b++) heap.set(dy.subarray(b * 2 * u + d * u, b * 2 * u + (d + 1) * u), at.dh / 4 + b * u);
      slot.k.fns.gru_backward(d, batch, time, u, options.returnSequences ? 1 : 0, at.dy, at.UT, r.H, r.Z, r.R, r.HH, r.ZS, r.RS, at.dProj, at.dU, at.dh, at.dhPrev, at.scratch);
      dKernels[d] = heap.slice(at.dU / 4, at.dU / 4 + u * u3);
    }
    return { dProj: heap.slice(at.dProj / 4, at.dProj / 4 + batch * time * 6 * u), dKernels };
  }

  run(proj: Float32Array, kernels: [Float32Array, Float32Array], dims: GruDims, options: GruOptions): GruRun {
    checkGruInputs(proj, kernels, dims);
    return this.slots.run(
      (slot) => this.forwardIn(slot, proj, kernels, dims, options),
      (dy) => {
        const expected = options.returnSequences ? dims.batch * dims.time * 2 * dims.units : dims.batch * 2 * dims.units;
        if (dy.length !== expected) throw new Error(`GRU recurrence: the output gradient has ${dy.length} values, expected ${expected}`);
      },
      (slot, dy) => this.backwardIn(slot, kernels, dims, options, dy),
    );
  }
}

/** Compiles the kernel from `file`; the kernel, or why not. */
export function loadGruWasmKernel(file: string): WasmGruKernel | string {
  const slots = loadTapeSlots(file, EXPORTS, MAX_SLOTS);
  return typeof slots === 'string' ? slots : new WasmGruKernel(slots, file);
}

const lazy = lazyWasmKernel(GRU_WASM_FILE, NPM_BUILD_HINT, loadGruWasmKernel);

/** The built kernel (loaded once), or null with the reason in gruWasmUnavailableReason(). */
export const gruWasmKernel: () => WasmGruKernel | null = lazy.kernel;

/** Why gruWasmKernel() is null, or null when it is available. */
export const gruWasmUnavailableReason: () => string | null = lazy.unavailableReason;
