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

import { readFileSync } from 'node:fs';
import { attentionScale, checkAttentionInputs } from './fusedAttentionKernel';
import type { AttentionDims, AttentionForward, AttentionGradients, AttentionKernel } from './fusedAttentionKernel';
import { copyToHeap, HeapLayout, lazyWasmKernel, NPM_BUILD_HINT, standaloneExports, wasmKernelCandidates, type WasmFn } from './wasmKernelModule';

export const ATTENTION_WASM_FILE = 'attentionKernel.wasm';

/** Where the built kernel may be: beside the bundle (dist/wasm), or dist/wasm of the checkout when run from source. */
export function attentionWasmCandidates(): string[] {
  return wasmKernelCandidates(ATTENTION_WASM_FILE);
}

type KernelFn = WasmFn;

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
    const r = new HeapLayout(this.heapBase);
    const at = { q: r.take(q.length), k: r.take(k.length), v: r.take(v.length), bias: r.take(keyBias.length) };
    const multAt = mult === null ? 0 : r.take(mult.length);
    const contextAt = r.take(q.length);
    const probsSize = batch * heads * seq * seq;
    const probsAt = r.take(probsSize);
    const scratchAt = r.take(this.scratchFloats(seq, headDim));
    const heap = this.copyIn(r.bytes, [[q, at.q], [k, at.k], [v, at.v], [keyBias, at.bias], [mult, multAt]]);
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
    const r = new HeapLayout(this.heapBase);
    const at = { dc: r.take(n), q: r.take(n), k: r.take(n), v: r.take(n), probs: r.take(probs.length) };
    const multAt = mult === null ? 0 : r.take(mult.length);
    const out = { dq: r.take(n), dk: r.take(n), dv: r.take(n) };
    const scratchAt = r.take(this.scratchFloats(seq, headDim));
    const heap = this.copyIn(r.bytes, [[dContext, at.dc], [q, at.q], [k, at.k], [v, at.v], [probs, at.probs], [mult, multAt]]);
    this.bwd(batch, seq, heads, headDim, attentionScale(headDim), at.dc, at.q, at.k, at.v, at.probs, multAt, out.dq, out.dk, out.dv, scratchAt);
    const read = (offset: number): Float32Array => heap.slice(offset / 4, offset / 4 + n);
    return { dq: read(out.dq), dk: read(out.dk), dv: read(out.dv) };
  }

  /** The memory grown to at least `bytes`, with each input copied to its byte offset (mult may be null). */
  private copyIn(bytes: number, inputs: ReadonlyArray<readonly [Float32Array | null, number]>): Float32Array {
    return copyToHeap(this.memory, bytes, inputs);
  }
}

/** Compiles the kernel file; the kernel, or why it cannot be used. */
export function loadAttentionWasmKernel(file: string): AttentionKernel | string {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {});
    const e = standaloneExports(instance, ['attention_scratch_floats', 'attention_forward', 'attention_backward']);
    if (typeof e === 'string') return `${file} ${e}`;
    const f = e.fns;
    return new WasmAttentionKernel(e.memory, e.heapBase, f.attention_scratch_floats, f.attention_forward, f.attention_backward);
  } catch (err) {
    return `${file} could not be compiled here: ${err instanceof Error ? err.message : String(err)}`;
  }
}

const lazy = lazyWasmKernel(ATTENTION_WASM_FILE, NPM_BUILD_HINT, loadAttentionWasmKernel);

/** The built kernel (loaded once), or null with the reason in attentionWasmUnavailableReason(). */
export const attentionWasmKernel: () => AttentionKernel | null = lazy.kernel;

/** Why attentionWasmKernel() is null, or null when it is available. */
export const attentionWasmUnavailableReason: () => string | null = lazy.unavailableReason;
