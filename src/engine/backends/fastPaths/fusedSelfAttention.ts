// The fused self-attention op (the fast path 'fused-attention'): HfSelfAttention's
// softmax(Q·Kᵀ/√d + padding bias) · V over all heads, with the attention dropout multiplier, as
// ONE tfjs op with a hand-written gradient (tf.customGrad around fusedAttentionKernel.ts), instead
// of ~12 kernels forward (head split transposes, batched matMuls, scale, bias, softmax, dropout
// mul, merge transpose) and ~20 backward. The dropout multiplier is drawn outside the op by the
// layer with the same seeded tf ops tf.dropout uses (hfDropout.ts dropoutMultiplier), so the
// same units drop as on the stock path. The q, k, v projections stay Dense layers (LoRA targets
// them); their gradients come from tfjs autodiff through this op's dQ, dK, dV.
//
// Where it runs: fast paths on (FINETUNE_FAST_PATHS, installed by modelFastPaths.ts) and the
// backend is cpu, or wasm with the SIMD kernel built (on wasm the TypeScript kernel is slower than
// the stock tfjs kernels; on cpu either kernel beats them). The layer asks
// fusedAttentionApplies() at each call, so evaluation, prediction and export use it too.
//
// Measured rule (bench/fusedAttentionMicro.ts, CPU time of one forward + backward, wasm, on a
// loaded 2-core machine): tfjs-wasm with the matMul re-route runs large attentions through
// XNNPACK faster than this kernel (BERT-mini's [8, 128, 4×64]: 18 ms stock, 28 ms fused;
// [32, 64, 4×32]: 13 vs 20; the bench's attention block [8, 64, 4×32]: 3.6–5.0 vs 4.5–6.3, and
// 17.0 vs 18.2 CPU ms for its whole training step), while on small ones the per-kernel overhead
// of the ~30 stock kernels dominates ([8, 16, 2×8]: 2.1–3.8 vs 0.6–0.8 ms; [8, 32, 4×16]: 2.6 vs
// 1.9; break-even near [8, 32, 4×32]). So on wasm the op runs only when batch·heads·seq²·d ≤
// WASM_MAX_FUSED_ATTENTION_WORK. On cpu it always runs (10–17x faster than the stock JavaScript
// kernels: [8, 128, 4×64] 1,048 vs 62 ms).

import * as tf from '@tensorflow/tfjs';
import { typescriptAttentionKernel, type AttentionDims, type AttentionKernel } from './fusedAttentionKernel';
import { attentionWasmKernel, attentionWasmUnavailableReason } from './wasmAttentionKernel';

/** The name the run records for this fast path. */
export const FUSED_ATTENTION_FAST_PATH = 'fused-attention';

/** FINETUNE_ATTENTION_KERNEL=ts picks the TypeScript kernel even where the wasm one is built (tests, benchmarks). */
export const ATTENTION_KERNEL_ENV_VAR = 'FINETUNE_ATTENTION_KERNEL';

/** Calls of the fused op's forward and backward passes, for tests and benchmarks. */
export const fusedAttentionCounts = { forward: 0, backward: 0 };

let enabled = false;

/** The kernel the op runs: the wasm SIMD one when built and loadable, else the TypeScript one. */
export function activeAttentionKernel(env: NodeJS.ProcessEnv = process.env): AttentionKernel {
  if (env[ATTENTION_KERNEL_ENV_VAR]?.trim().toLowerCase() === 'ts') return typescriptAttentionKernel;
  return attentionWasmKernel() ?? typescriptAttentionKernel;
}

/** Why the op does not run on `backendName` (with the fast paths on), or null when it does. */
export function fusedAttentionUnavailableReason(backendName: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (backendName === 'cpu') return null;
  if (backendName !== 'wasm') return `${FUSED_ATTENTION_FAST_PATH} runs on the wasm and cpu backends only`;
  if (activeAttentionKernel(env) !== typescriptAttentionKernel) return null;
  return `on wasm it needs the SIMD kernel (${attentionWasmUnavailableReason() ?? `${ATTENTION_KERNEL_ENV_VAR}=ts`})`;
}

/** On wasm the op runs only up to this batch·heads·seq²·d (see the measured rule above). */
export const WASM_MAX_FUSED_ATTENTION_WORK = 8 * 4 * 32 * 32 * 16;

/** Whether the op pays for an attention of `dims` on `backendName` (the measured rule above). */
export function fusedAttentionPays(backendName: string, dims: AttentionDims): boolean {
  if (backendName !== 'wasm') return true;
  return dims.batch * dims.heads * dims.seq * dims.seq * dims.headDim <= WASM_MAX_FUSED_ATTENTION_WORK;
}

/**
 * True when HfSelfAttention should use the op now: fast path on, the active backend supported
 * and, given `dims`, the op pays there.
 */
export function fusedAttentionApplies(dims?: AttentionDims, backendName: string = tf.getBackend()): boolean {
  if (!enabled || fusedAttentionUnavailableReason(backendName) !== null) return false;
  return dims === undefined || fusedAttentionPays(backendName, dims);
}

/** Turns the fast path on (the layer then checks the backend at each call). */
export function enableFusedAttention(): void {
  enabled = true;
}

/** Turns the fast path off: HfSelfAttention computes with stock tfjs ops again. */
export function disableFusedAttention(): void {
  enabled = false;
}

function float32Data(t: tf.Tensor, what: string): Float32Array {
  const data = t.dataSync();
  if (!(data instanceof Float32Array)) throw new Error(`fused attention: ${what} must be float32, got ${t.dtype}`);
  return data;
}

/**
 * Multi-head self-attention: q, k, v [batch, seq, hidden] (hidden = numHeads·d), keyBias
 * [batch, seq] added to every query's score of that key, multiplier [batch, numHeads, seq, seq]
 * applied to the probabilities (dropout) or null. Returns the context [batch, seq, hidden];
 * differentiable with respect to q, k and v (the bias and multiplier are constants).
 */
export function fusedSelfAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  keyBias: tf.Tensor2D,
  multiplier: tf.Tensor4D | null,
  numHeads: number,
  kernel: AttentionKernel = activeAttentionKernel(),
): tf.Tensor3D {
  const [batch, seq, hidden] = q.shape;
  const dims: AttentionDims = { batch, seq, heads: numHeads, headDim: hidden / numHeads };
  if (!Number.isInteger(dims.headDim)) throw new Error(`fused attention: width ${hidden} is not a multiple of ${numHeads} heads`);
  const bias = float32Data(keyBias, 'the key bias');
  const mult = multiplier === null ? null : float32Data(multiplier, 'the dropout multiplier');
  const op = tf.customGrad((...args) => {
    const [qt, kt, vt] = args.filter((a): a is tf.Tensor => a instanceof tf.Tensor);
    fusedAttentionCounts.forward++;
    const qv = float32Data(qt, 'q');
    const kv = float32Data(kt, 'k');
    const vv = float32Data(vt, 'v');
    const { context, probs } = kernel.forward(dims, qv, kv, vv, bias, mult);
    return {
      value: tf.tensor3d(context, [batch, seq, hidden], 'float32'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        fusedAttentionCounts.backward++;
        const g = Array.isArray(dy) ? dy[0] : dy;
        const { dq, dk, dv } = kernel.backward(dims, float32Data(g, 'the context gradient'), qv, kv, vv, probs, mult);
        return [tf.tensor3d(dq, q.shape, 'float32'), tf.tensor3d(dk, k.shape, 'float32'), tf.tensor3d(dv, v.shape, 'float32')];
      },
    };
  });
  return op(q, k, v) as tf.Tensor3D;
}
