// The fused self-attention forward and backward through the WebAssembly SIMD kernel
// (wasm/attentionKernel.c), with the API of fusedAttentionKernel.ts's TypeScript kernel: same
// formulas, float32 sums in another order.
//
// The kernel is built from its C source by the project's build (scripts/buildWasmKernels.mjs,
// Debian's clang with the wasm32 target) into dist/wasm/attentionKernel.wasm; nothing prebuilt is
// committed. Where the file is missing or cannot be compiled here, attentionWasmKernel() returns
// null, attentionWasmUnavailableReason() says why, and the TypeScript kernel is used. The module
// instance has its own memory: inputs are copied in, outputs copied out (well under a millisecond
// for a BERT-mini layer, against tens of milliseconds of arithmetic).

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { attentionScale, checkAttentionInputs } from './fusedAttentionKernel';
import type { AttentionDims, AttentionForward, AttentionGradients, AttentionKernel } from './fusedAttentionKernel';

export const ATTENTION_WASM_FILE = 'attentionKernel.wasm';

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function attentionWasmCandidates(): string[] {
  return [path.join(__dirname, 'wasm', ATTENTION_WASM_FILE), path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'wasm', ATTENTION_WASM_FILE)];
}

type KernelFn = (...args: number[]) => number;

/** Byte offsets of regions of floats, each 16-byte aligned, handed out in order. */
class Regions {
  private end: number;
  constructor(start: number) {
    this.end = Math.ceil(start / 16) * 16;
  }
  take(n: number): number {
    const at = this.end;
    this.end += Math.ceil((n * 4) / 16) * 16;
    return at;
  }
  get bytes(): number {
    return this.end;
  }
}

class WasmAttentionKernel implements AttentionKernel {
  readonly name = 'wasm-simd';

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly heapBase: number,
    private readonly scratchFloats: KernelFn,
    private readonly fwd: KernelFn,
    private readonly bwd: KernelFn,
  ) {}

  forward(dims: AttentionDims, q: Float32Array, k: Float32Array, v: Float32Array, keyBias: Float32Array, mult: Float32Array | null): AttentionForward {
    checkAttentionInputs(dims, { q, k, v, keyBias, mult });
    const { batch, seq, heads, headDim } = dims;
    const r = new Regions(this.heapBase);
    const at = { q: r.take(q.length), k: r.take(k.length), v: r.take(v.length), bias: r.take(keyBias.length) };
    const multAt = mult === null ? 0 : r.take(mult.length);
    const contextAt = r.take(q.length);
    const probsSize = batch * heads * seq * seq;
    const probsAt = r.take(probsSize);
    const scratchAt = r.take(this.scratchFloats(seq, headDim));
    const heap = this.heap(r.bytes);
    heap.set(q, at.q / 4);
    heap.set(k, at.k / 4);
    heap.set(v, at.v / 4);
    heap.set(keyBias, at.bias / 4);
    if (mult !== null) heap.set(mult, multAt / 4);
    this.fwd(batch, seq, heads, headDim, attentionScale(headDim), at.q, at.k, at.v, at.bias, multAt, contextAt, probsAt, scratchAt);
    return { context: heap.slice(contextAt / 4, contextAt / 4 + q.length), probs: heap.slice(probsAt / 4, probsAt / 4 + probsSize) };
  }

  backward(
    dims: AttentionDims,
    dContext: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    probs: Float32Array,
    mult: Float32Array | null,
  ): AttentionGradients {
    checkAttentionInputs(dims, { dContext, q, k, v, probs, mult });
    const { batch, seq, heads, headDim } = dims;
    const n = q.length;
    const r = new Regions(this.heapBase);
    const at = { dc: r.take(n), q: r.take(n), k: r.take(n), v: r.take(n), probs: r.take(probs.length) };
    const multAt = mult === null ? 0 : r.take(mult.length);
    const out = { dq: r.take(n), dk: r.take(n), dv: r.take(n) };
    const scratchAt = r.take(this.scratchFloats(seq, headDim));
    const heap = this.heap(r.bytes);
    heap.set(dContext, at.dc / 4);
    heap.set(q, at.q / 4);
    heap.set(k, at.k / 4);
    heap.set(v, at.v / 4);
    heap.set(probs, at.probs / 4);
    if (mult !== null) heap.set(mult, multAt / 4);
    this.bwd(batch, seq, heads, headDim, attentionScale(headDim), at.dc, at.q, at.k, at.v, at.probs, multAt, out.dq, out.dk, out.dv, scratchAt);
    const read = (offset: number): Float32Array => heap.slice(offset / 4, offset / 4 + n);
    return { dq: read(out.dq), dk: read(out.dk), dv: read(out.dv) };
  }

  /** A float view of the memory, grown to at least `bytes`. */
  private heap(bytes: number): Float32Array {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
    return new Float32Array(this.memory.buffer);
  }
}

/** Compiles the kernel file; the kernel, or why it cannot be used. */
export function loadAttentionWasmKernel(file: string): AttentionKernel | string {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {});
    const e = instance.exports;
    const memory = e['memory'];
    const heapBase = e['__heap_base'];
    const scratch = e['attention_scratch_floats'];
    const fwd = e['attention_forward'];
    const bwd = e['attention_backward'];
    if (!(memory instanceof WebAssembly.Memory)) return `${file} exports no memory`;
    if (!(heapBase instanceof WebAssembly.Global) || typeof heapBase.value !== 'number') return `${file} exports no __heap_base`;
    if (typeof scratch !== 'function' || typeof fwd !== 'function' || typeof bwd !== 'function') {
      return `${file} lacks attention_scratch_floats, attention_forward or attention_backward`;
    }
    return new WasmAttentionKernel(memory, heapBase.value, scratch as KernelFn, fwd as KernelFn, bwd as KernelFn);
  } catch (err) {
    return `${file} could not be compiled here: ${err instanceof Error ? err.message : String(err)}`;
  }
}

let loaded: AttentionKernel | string | undefined;

/** The built kernel (loaded once), or null with the reason in attentionWasmUnavailableReason(). */
export function attentionWasmKernel(): AttentionKernel | null {
  if (loaded === undefined) {
    const file = attentionWasmCandidates().find((f) => existsSync(f));
    loaded = file === undefined ? `${ATTENTION_WASM_FILE} is not built (npm run build builds it when clang is installed)` : loadAttentionWasmKernel(file);
  }
  return typeof loaded === 'string' ? null : loaded;
}

/** Why attentionWasmKernel() is null, or null when it is available. */
export function attentionWasmUnavailableReason(): string | null {
  attentionWasmKernel();
  return typeof loaded === 'string' ? loaded : null;
}
