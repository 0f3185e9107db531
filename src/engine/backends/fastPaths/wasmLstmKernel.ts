// The LSTM recurrence (one direction) through the WebAssembly SIMD kernel (wasm/lstmKernel.c), with
// the API of lstmRecurrence.ts: same inputs, same formulas and gradients (float32 sums in another order).
//
// The kernel is built from its C source by the project's build (scripts/buildWasmKernels.mjs,
// Debian's clang with the wasm32 target) into dist/wasm/lstmKernel.wasm; nothing prebuilt is
// committed. Where the file is missing or cannot be compiled here, lstmWasmKernel() returns null
// with the reason and the TypeScript kernel is used.
//
// Memory: as the GRU's wasm kernel does (wasmGruKernel.ts), a forward pass leaves its tape in the
// memory of the module instance it ran in, for its backward pass. Up to MAX_LSTM_SLOTS instances
// keep the tapes of that many recent forward passes (a bidirectional layer uses two); a backward
// pass whose instance has since run another forward pass first recomputes its forward pass there.

import { checkLstmInputs, lstmOutputSize } from './lstmRecurrence';
import type { LstmDims, LstmGradients, LstmKernel, LstmOptions, LstmRun } from './lstmRecurrence';
import { HeapLayout, lazyWasmKernel, NPM_BUILD_HINT, wasmKernelCandidates, type StandaloneExports } from './wasmKernelModule';
import { loadTapeSlots, TapedWasmKernel, type TapeSlot } from './wasmTapeSlots';

export const LSTM_WASM_FILE = 'lstmKernel.wasm';

/** Instances, so forward passes whose tapes stay available for their backward pass. */
export const MAX_LSTM_SLOTS = 8;

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function lstmWasmCandidates(): string[] {
  return wasmKernelCandidates(LSTM_WASM_FILE);
}

const EXPORTS = ['lstm_forward', 'lstm_backward'] as const;
type KernelExports = StandaloneExports<(typeof EXPORTS)[number]>;

const TAPE_NAMES = ['I', 'F', 'G', 'O', 'TC', 'IS', 'FS', 'OS'] as const;
type TapeName = (typeof TAPE_NAMES)[number];

interface ForwardRegions {
  proj: number;
  out: number;
  scratch: number;
  U: number;
  H: number;
  C: number;
  tape: Record<TapeName, number>;
  /** Where the backward pass's own regions may start. */
  end: number;
}

function forwardRegions(start: number, dims: LstmDims): ForwardRegions {
  const { batch, time, units: u } = dims;
  const n = time * batch * u;
  const layout = new HeapLayout(start);
  const proj = layout.take(batch * time * 4 * u);
  const out = layout.take(batch * time * u);
  const scratch = layout.take(16 * u);
  const U = layout.take(4 * u * u);
  const H = layout.take((time + 1) * batch * u);
  const C = layout.take((time + 1) * batch * u);
  const tape = {} as Record<TapeName, number>;
  for (const name of TAPE_NAMES) tape[name] = layout.take(n);
  return { proj, out, scratch, U, H, C, tape, end: layout.bytes };
}

type Slot = TapeSlot<KernelExports>;

export class WasmLstmKernel extends TapedWasmKernel<KernelExports> implements LstmKernel {
  /** Runs the forward pass in `slot`; returns the output (copied out). */
  private forwardIn(slot: Slot, proj: Float32Array, kernel: Float32Array, dims: LstmDims, options: LstmOptions): Float32Array {
    const { batch, time, units: u } = dims;
    const bu = batch * u;
    const at = forwardRegions(slot.k.heapBase, dims);
    const heap = slot.heap(at.end);
    heap.set(proj, at.proj / 4);
    heap.set(kernel, at.U / 4);
    heap.fill(0, at.H / 4, at.H / 4 + bu);
    heap.fill(0, at.C / 4, at.C / 4 + bu);
    const t = at.tape;
    slot.k.fns.lstm_forward(
      options.reverse ? 1 : 0, batch, time, u, options.activation === 'hardSigmoid' ? 1 : 0, options.returnSequences ? 1 : 0,
      at.proj, at.U, at.H, at.C, t.I, t.F, t.G, t.O, t.TC, t.IS, t.FS, t.OS, at.out, at.scratch,
    );
    if (options.returnSequences) return heap.slice(at.out / 4, at.out / 4 + batch * time * u);
    const last = at.H / 4 + time * bu;
    return heap.slice(last, last + bu);
  }

  /** Runs the backward pass in `slot`, whose memory holds the tape of this forward pass. */
  private backwardIn(slot: Slot, kernel: Float32Array, dims: LstmDims, options: LstmOptions, dy: Float32Array): LstmGradients {
    const { batch, time, units: u } = dims;
    const bu = batch * u;
    const u4 = 4 * u;
    const fw = forwardRegions(slot.k.heapBase, dims);
    const layout = new HeapLayout(fw.end);
    const at = {
      dy: layout.take(dy.length),
      UT: layout.take(u4 * u),
      dProj: layout.take(batch * time * u4),
      dU: layout.take(u * u4),
      dh: layout.take(bu),
      dhPrev: layout.take(bu),
      dc: layout.take(bu),
      scratch: layout.take(20 * u),
    };
    const heap = slot.heap(layout.bytes);
    heap.set(dy, at.dy / 4);
    const ut = at.UT / 4;
    for (let k = 0; k < u; k++) for (let j = 0; j < u4; j++) heap[ut + j * u + k] = kernel[k * u4 + j];
    heap.fill(0, at.dU / 4, at.dU / 4 + u * u4);
    heap.fill(0, at.dc / 4, at.dc / 4 + bu);
    if (options.returnSequences) heap.fill(0, at.dh / 4, at.dh / 4 + bu);
    else heap.set(dy, at.dh / 4);
    const t = fw.tape;
    slot.k.fns.lstm_backward(
      options.reverse ? 1 : 0, batch, time, u, options.returnSequences ? 1 : 0, at.dy, at.UT,
      fw.H, fw.C, t.I, t.F, t.G, t.O, t.TC, t.IS, t.FS, t.OS, at.dProj, at.dU, at.dh, at.dhPrev, at.dc, at.scratch,
    );
    return { dProj: heap.slice(at.dProj / 4, at.dProj / 4 + batch * time * u4), dKernel: heap.slice(at.dU / 4, at.dU / 4 + u * u4) };
  }

  run(proj: Float32Array, kernel: Float32Array, dims: LstmDims, options: LstmOptions): LstmRun {
    checkLstmInputs(proj, kernel, dims);
    return this.slots.run(
      (slot) => this.forwardIn(slot, proj, kernel, dims, options),
      (dy) => {
        const expected = lstmOutputSize(dims, options);
        if (dy.length !== expected) throw new Error(`LSTM recurrence: the output gradient has ${dy.length} values, expected ${expected}`);
      },
      (slot, dy) => this.backwardIn(slot, kernel, dims, options, dy),
    );
  }
}

/** Compiles the kernel from `file`; the kernel, or why not. */
export function loadLstmWasmKernel(file: string): WasmLstmKernel | string {
  const slots = loadTapeSlots(file, EXPORTS, MAX_LSTM_SLOTS);
  return typeof slots === 'string' ? slots : new WasmLstmKernel(slots, file);
}

const lazy = lazyWasmKernel(LSTM_WASM_FILE, NPM_BUILD_HINT, loadLstmWasmKernel);

/** The built kernel (loaded once), or null with the reason in lstmWasmUnavailableReason(). */
export const lstmWasmKernel: () => WasmLstmKernel | null = lazy.kernel;

/** Why lstmWasmKernel() is null, or null when it is available. */
export const lstmWasmUnavailableReason: () => string | null = lazy.unavailableReason;
