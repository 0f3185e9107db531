// The math of the fused self-attention op (fusedSelfAttention.ts) on typed arrays, as a
// TypeScript kernel (the fallback when wasm/attentionKernel.c is not built) and the interface the
// wasm SIMD kernel (wasmAttentionKernel.ts) shares.
//
// Layouts: q, k, v, the context and their gradients are [batch, seq, heads·d], head h in columns
// h·d … h·d+d−1 (HfSelfAttention's split into heads); keyBias [batch, seq] (0, or −1e9 on padded
// keys); probs and the dropout multiplier M [batch, heads, seq, seq]. Per batch entry b and head h:
//   forward:  S = scale·Q·Kᵀ + bias (per key), P = softmax(S) row by row, context = (P∘M)·V
//   backward: dV = (P∘M)ᵀ·dC, dP = (dC·Vᵀ)∘M, dS = P∘(dP − rowsum(dP∘P)),
//             dQ = scale·dS·K, dK = scale·dSᵀ·Q
// scale = float32(1/√d) as the layer multiplies it; without dropout M is absent (all ones). The
// forward's P is kept for the backward pass. Sums here run in double precision.

export interface AttentionDims {
  batch: number;
  seq: number;
  heads: number;
  /** Width of one head. */
  headDim: number;
}

export interface AttentionForward {
  /** [batch, seq, heads·d]. */
  context: Float32Array;
  /** Softmax probabilities before dropout, [batch, heads, seq, seq]. */
  probs: Float32Array;
}

export interface AttentionGradients {
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
}

export interface AttentionKernel {
  readonly name: string;
  forward(dims: AttentionDims, q: Float32Array, k: Float32Array, v: Float32Array, keyBias: Float32Array, mult: Float32Array | null): AttentionForward;
  backward(
    dims: AttentionDims,
    dContext: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    probs: Float32Array,
    mult: Float32Array | null,
  ): AttentionGradients;
}

/** The multiplier of the scores, as HfSelfAttention applies it (a float32 constant). */
export function attentionScale(headDim: number): number {
  return Math.fround(1 / Math.sqrt(headDim));
}

/** Throws when the arrays do not have the sizes of `dims`. */
export function checkAttentionInputs(dims: AttentionDims, arrays: Record<string, Float32Array | null>): void {
  const { batch, seq, heads, headDim } = dims;
  const rows = batch * seq * heads * headDim;
  const square = batch * heads * seq * seq;
  const want: Record<string, number> = { q: rows, k: rows, v: rows, dContext: rows, keyBias: batch * seq, probs: square, mult: square };
  for (const [name, array] of Object.entries(arrays)) {
    if (array === null) continue;
    const n = want[name];
    if (n !== undefined && array.length !== n) throw new Error(`fused attention: ${name} has ${array.length} values, expected ${n} for [${batch}, ${seq}, ${heads}×${headDim}]`);
  }
}

function forward(dims: AttentionDims, q: Float32Array, k: Float32Array, v: Float32Array, keyBias: Float32Array, mult: Float32Array | null): AttentionForward {
  checkAttentionInputs(dims, { q, k, v, keyBias, mult });
  const { batch, seq: S, heads, headDim: d } = dims;
  const hidden = heads * d;
  const scale = attentionScale(d);
  const context = new Float32Array(batch * S * hidden);
  const probs = new Float32Array(batch * heads * S * S);
  const row = new Float64Array(S);
  const weights = new Float64Array(S);
  const acc = new Float64Array(d);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const base = b * S * hidden + h * d;
      const pAt = (b * heads + h) * S * S;
      for (let i = 0; i < S; i++) {
        const qi = base + i * hidden;
        let max = -Infinity;
        for (let j = 0; j < S; j++) {
          const kj = base + j * hidden;
          let dot = 0;
          for (let c = 0; c < d; c++) dot += q[qi + c] * k[kj + c];
          const x = Math.fround(Math.fround(dot) * scale) + keyBias[b * S + j];
          row[j] = x;
          if (x > max) max = x;
        }
        let sum = 0;
        for (let j = 0; j < S; j++) {
          row[j] = Math.exp(row[j] - max);
          sum += row[j];
        }
        const pi = pAt + i * S;
        for (let j = 0; j < S; j++) {
          const p = row[j] / sum;
          probs[pi + j] = p;
          weights[j] = mult === null ? p : p * mult[pi + j];
        }
        acc.fill(0);
        for (let j = 0; j < S; j++) {
          const w = weights[j];
          if (w === 0) continue;
          const vj = base + j * hidden;
          for (let c = 0; c < d; c++) acc[c] += w * v[vj + c];
        }
        for (let c = 0; c < d; c++) context[qi + c] = acc[c];
      }
    }
  }
  return { context, probs };
}

function backward(
  dims: AttentionDims,
  dContext: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  probs: Float32Array,
  mult: Float32Array | null,
): AttentionGradients {
  checkAttentionInputs(dims, { dContext, q, k, v, probs, mult });
  const { batch, seq: S, heads, headDim: d } = dims;
  const hidden = heads * d;
  const scale = attentionScale(d);
  const n = batch * S * hidden;
  const dq = new Float64Array(n);
  const dk = new Float64Array(n);
  const dv = new Float64Array(n);
  const ds = new Float64Array(S);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const base = b * S * hidden + h * d;
      const pAt = (b * heads + h) * S * S;
      for (let i = 0; i < S; i++) {
        const gi = base + i * hidden;
        const pi = pAt + i * S;
        let dot = 0;
        for (let j = 0; j < S; j++) {
          const vj = base + j * hidden;
          const m = mult === null ? 1 : mult[pi + j];
          const w = probs[pi + j] * m;
          let g = 0;
          for (let c = 0; c < d; c++) {
            g += dContext[gi + c] * v[vj + c];
            dv[vj + c] += w * dContext[gi + c];
          }
          ds[j] = g * m;
          dot += ds[j] * probs[pi + j];
        }
        for (let j = 0; j < S; j++) {
          const s = probs[pi + j] * (ds[j] - dot) * scale;
          if (s === 0) continue;
          const kj = base + j * hidden;
          for (let c = 0; c < d; c++) {
            dq[gi + c] += s * k[kj + c];
            dk[kj + c] += s * q[gi + c];
          }
        }
      }
    }
  }
  return { dq: Float32Array.from(dq), dk: Float32Array.from(dk), dv: Float32Array.from(dv) };
}

/** The TypeScript kernel (plain loops; the wasm SIMD one is much faster on both backends). */
export const typescriptAttentionKernel: AttentionKernel = { name: 'typescript', forward, backward };
