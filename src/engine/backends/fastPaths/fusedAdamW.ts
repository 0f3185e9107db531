// The fused optimizer step, fast path 'fused-adamw': clipping by global norm and the AdamW update
// of every variable in ONE kernel call per training step (per 4M weights: CALL_MAX_ENTRIES), instead
// of ~5 kernels per gradient for the clip (clipByGlobalNorm.ts) and ~14 per variable for the update
// (optimizer.ts). On tfjs-wasm each kernel call costs 8-20 µs, which dominated small models' steps.
//
// The kernel FtClipAdamW (wasm and cpu backends) takes, for each updated variable k, its value
// p_k, moments m_k and v_k and gradient g_k, and the gradients n_j whose global norm clips (all of
// them, as tf.clip_by_global_norm sees them); it returns p'_k, m'_k, v'_k for every k, fresh
// tensors the caller assigns to the variables. Per entry, in float32, the stock ops' order:
//   gs = g·scale;  m' = m·β1 + gs·(1−β1);  v' = v·β2 + (gs·gs)·(1−β2)
//   d  = p − p·(lr·wd)   (only for variables of rank ≥ 2 with weight decay; else d = p)
//   p' = d − ((m'/bc1)·lr) / (sqrt(v'/bc2) + ε)
// Each operation takes float32 operands and rounds its result to float32, as each stock op does;
// +, −, ·, / and sqrt are correctly rounded (IEEE), and computing them in double precision, then
// rounding to float32, gives that same value (53 ≥ 2·24 + 2 bits), so the update equals the stock
// ops' to the bit, in the C kernel and in the TypeScript loops alike. The clip factor is
//   scale = c / max(‖g‖, c),  ‖g‖ = sqrt(float32(Σ g²)),  c = float32(clipNorm)
// with TensorFlow's rule that a non-finite norm makes the factor NaN (so every variable becomes
// NaN, as with the stock clip); without clipping the factor is 1 (g·1 = g exactly). Only the sum
// of squares differs from the stock path: it is summed in double precision in one pass per
// gradient, where the stock ops sum float32 values in another order (the factor may differ in
// the last bit).
//
// Kernels: on wasm the WebAssembly SIMD kernel (wasmAdamWKernel.ts) on tfjs's heap in place when
// it is built, else the TypeScript loops below on live heap views; on cpu the TypeScript loops.
// FINETUNE_ADAMW_KERNEL=ts picks the TypeScript loops on wasm too (tests, benchmarks), =stock the
// stock ops (this fast path alone off, to measure it). On wasm the TypeScript loops beat the stock
// ops only for small variables (fusedAdamWPays): without the wasm kernel, a model with a variable
// over TS_ON_WASM_MAX_ENTRIES entries keeps the stock ops.
// Off with FINETUNE_FAST_PATHS=0, and on every other backend (webgpu keeps the stock ops).

import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { IN_PROCESS_BACKENDS } from './cpuKernelIo';
import { fastPathsEnabled, FAST_PATHS_ENV_VAR } from './fastPathsSwitch';
import { isCpuBackendLike, readCpuFloat32, type CpuBackendLike } from './cpuKernelIo';
import { adamwWasmKernelFor, adamwWasmUnavailableReason, tfjsWasmMemory, type AdamWScalars } from './wasmAdamWKernel';
import { isWasmHeapBackend, type WasmHeapBackend } from './wasmHeap';
import { loadedTfjsVersions, PINNED_TFJS_VERSION, type TfjsVersions } from './wasmMatMulOverride';
import type { AdamWStepScalars } from '../../training/optimizerTypes';

/** The name the run records for this fast path. */
export const FUSED_ADAMW_FAST_PATH = 'fused-adamw';

export const CLIP_ADAMW_KERNEL = 'FtClipAdamW';

/**
 * FINETUNE_ADAMW_KERNEL=ts picks the TypeScript loops even where the wasm kernel is built;
 * =stock turns this fast path alone off (to measure it; FINETUNE_FAST_PATHS=0 turns all off).
 */
export const ADAMW_KERNEL_ENV_VAR = 'FINETUNE_ADAMW_KERNEL';

/** Kernel calls by implementation, for tests and benchmarks. */
export const fusedAdamWCounts = { wasmSimd: 0, typescript: 0 };

/** Why the fused step cannot run on `backendName`, or null when it can. */
export function fusedAdamWUnavailableReason(
  backendName: string,
  env: NodeJS.ProcessEnv = process.env,
  versions: TfjsVersions = loadedTfjsVersions(),
): string | null {
  if (!fastPathsEnabled(env)) return `CPU fast paths are off (${FAST_PATHS_ENV_VAR}=${env[FAST_PATHS_ENV_VAR] ?? ''})`;
  if (env[ADAMW_KERNEL_ENV_VAR]?.trim().toLowerCase() === 'stock') return `${ADAMW_KERNEL_ENV_VAR}=stock`;
  if (!IN_PROCESS_BACKENDS.includes(backendName)) return `${FUSED_ADAMW_FAST_PATH} runs on the wasm and cpu backends only`;
  // On wasm it allocates and views tensors on tfjs's heap (tfjs-wasm internals).
  if (backendName === 'wasm' && (versions.core !== PINNED_TFJS_VERSION || versions.wasm !== PINNED_TFJS_VERSION)) {
    return `${FUSED_ADAMW_FAST_PATH} is written for tfjs ${PINNED_TFJS_VERSION}, found tfjs-core ${versions.core} and tfjs-backend-wasm ${versions.wasm}`;
  }
  return null;
}

/** True when the trainer's step should use the fused kernel on `backendName` (default: the active backend). */
export function fusedAdamWApplies(backendName: string = tf.getBackend(), env: NodeJS.ProcessEnv = process.env): boolean {
  return fusedAdamWUnavailableReason(backendName, env) === null;
}

/**
 * On wasm without the wasm kernel, the largest variable the TypeScript loops take on: they cost
 * ~12-15 ns per entry (three divisions and a square root in double precision, rounded to float32
 * after each operation), the stock XNNPACK ops ~10 ns per entry plus ~0.1 ms of kernel calls per
 * variable; above this size the stock ops are faster (bench/optimizerMicro.ts).
 */
export const TS_ON_WASM_MAX_ENTRIES = 16384;

/**
 * True when the fused step is faster than the stock ops for variables of these sizes on
 * `backendName`: always on cpu and with the wasm kernel; with the TypeScript loops on wasm, only
 * while no variable exceeds TS_ON_WASM_MAX_ENTRIES.
 */
export function fusedAdamWPays(backendName: string, sizes: readonly number[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (backendName !== 'wasm' || activeAdamWKernel(backendName, env).name === 'wasm-simd') return true;
  return sizes.every((n) => n <= TS_ON_WASM_MAX_ENTRIES);
}

function typescriptForced(env: NodeJS.ProcessEnv): boolean {
  return env[ADAMW_KERNEL_ENV_VAR]?.trim().toLowerCase() === 'ts';
}

/** The implementation the kernel uses on `backendName`, and why not the wasm one when it is not. */
export function activeAdamWKernel(backendName: string, env: NodeJS.ProcessEnv = process.env): { name: 'wasm-simd' | 'typescript'; why: string | null } {
  if (backendName !== 'wasm') return { name: 'typescript', why: null };
  if (typescriptForced(env)) return { name: 'typescript', why: `${ADAMW_KERNEL_ENV_VAR}=ts` };
  const why = adamwWasmUnavailableReason();
  return why === null ? { name: 'wasm-simd', why: null } : { name: 'typescript', why };
}

/** Σ g² in double precision. */
export function sumSquares(g: Float32Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

/** The clip factor for a gradient sum of squares (float32, TensorFlow semantics; 1 when clipNorm ≤ 0). */
export function clipScale(sumOfSquares: number, clipNorm: number): number {
  if (!(clipNorm > 0)) return 1;
  const norm = Math.fround(Math.sqrt(Math.fround(sumOfSquares)));
  if (!Number.isFinite(norm)) return Number.NaN;
  const c = Math.fround(clipNorm);
  return Math.fround(c / Math.max(norm, c));
}

/** One AdamW step over typed arrays (outputs must not alias inputs); the formulas in the header. */
export function adamwUpdate(
  p: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  pOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  s: AdamWScalars,
): void {
  const f = Math.fround;
  const { scale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, decay, decayRate, biasCorrection1, biasCorrection2, learningRate, epsilon } = s;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gs = f(g[i] * scale);
    const m1 = f(f(m[i] * beta1) + f(gs * oneMinusBeta1));
    const v1 = f(f(v[i] * beta2) + f(f(gs * gs) * oneMinusBeta2));
    const p0 = p[i];
    const d = decay ? f(p0 - f(p0 * decayRate)) : p0;
    const num = f(f(m1 / biasCorrection1) * learningRate);
    const den = f(f(Math.sqrt(f(v1 / biasCorrection2))) + epsilon);
    mOut[i] = m1;
    vOut[i] = v1;
    pOut[i] = d - f(num / den);
  }
}

/** The optimizer's hyperparameters of one step, as the kernel's attributes take them. */
export interface ClipAdamWStep extends AdamWStepScalars {
  clipNorm: number;
}

/** One updated variable: its value, moments and (float32) gradient, and whether it decays. */
export interface ClipAdamWEntry {
  p: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
  g: tf.Tensor;
  decay: boolean;
}

function attrNumber(attrs: NamedAttrMap | undefined, key: string): number {
  const value = attrs?.[key];
  if (typeof value !== 'number') throw new Error(`${CLIP_ADAMW_KERNEL}: attribute ${key} must be a number`);
  return value;
}

function attrFlags(attrs: NamedAttrMap | undefined, key: string, count: number): boolean[] {
  const value = attrs?.[key];
  if (!Array.isArray(value) || value.length !== count || !value.every((d) => d === 0 || d === 1)) {
    throw new Error(`${CLIP_ADAMW_KERNEL}: attribute ${key} must hold ${count} flags`);
  }
  return value.map((d) => d === 1);
}

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${CLIP_ADAMW_KERNEL}: missing input ${name}`);
  if (t.dtype !== 'float32') throw new Error(`${CLIP_ADAMW_KERNEL}: input ${name} must be float32, got ${t.dtype}`);
  return t;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

interface KernelArgs {
  /** Per updated variable: p, m, v, g. */
  entries: { p: TensorInfo; m: TensorInfo; v: TensorInfo; g: TensorInfo; decay: boolean }[];
  normGrads: TensorInfo[];
  clipNorm: number;
  /** The clip factor of an earlier call of the same step (then normGrads is empty), else null. */
  scale: number | null;
  /** Append the clip factor as a float32 scalar output. */
  returnScale: boolean;
  /** The TypeScript loops even where the wasm kernel is built. */
  typescript: boolean;
  scalars: Omit<AdamWScalars, 'scale' | 'decay'>;
}

function kernelArgs(inputs: NamedTensorInfoMap, attrs: NamedAttrMap | undefined): KernelArgs {
  const count = attrNumber(attrs, 'count');
  const normCount = attrNumber(attrs, 'normCount');
  const decays = attrFlags(attrs, 'decays', count);
  const entries = decays.map((decay, k) => {
    const e = { p: input(inputs, `p${k}`), m: input(inputs, `m${k}`), v: input(inputs, `v${k}`), g: input(inputs, `g${k}`), decay };
    const n = sizeOf(e.p.shape);
    if (sizeOf(e.m.shape) !== n || sizeOf(e.v.shape) !== n || sizeOf(e.g.shape) !== n) {
      throw new Error(`${CLIP_ADAMW_KERNEL}: variable ${k} has shape [${e.p.shape}], its moments or gradient another size`);
    }
    return e;
  });
  const normGrads = Array.from({ length: normCount }, (_, j) => input(inputs, `n${j}`));
  const beta1 = Math.fround(attrNumber(attrs, 'beta1'));
  const beta2 = Math.fround(attrNumber(attrs, 'beta2'));
  return {
    entries,
    normGrads,
    clipNorm: attrNumber(attrs, 'clipNorm'),
    scale: attrs?.['scale'] === undefined ? null : attrNumber(attrs, 'scale'),
    returnScale: attrs?.['returnScale'] === true,
    typescript: attrs?.['typescript'] === true,
    scalars: {
      beta1,
      oneMinusBeta1: Math.fround(1 - attrNumber(attrs, 'beta1')),
      beta2,
      oneMinusBeta2: Math.fround(1 - attrNumber(attrs, 'beta2')),
      decayRate: Math.fround(attrNumber(attrs, 'decayRate')),
      biasCorrection1: Math.fround(attrNumber(attrs, 'biasCorrection1')),
      biasCorrection2: Math.fround(attrNumber(attrs, 'biasCorrection2')),
      learningRate: Math.fround(attrNumber(attrs, 'learningRate')),
      epsilon: Math.fround(attrNumber(attrs, 'epsilon')),
    },
  };
}

function runOnWasmHeap(backend: WasmHeapBackend, args: KernelArgs): TensorInfo[] {
  const outs = args.entries.flatMap((e) => [e.p, e.m, e.v].map((t) => backend.makeOutput([...t.shape], 'float32')));
  const memory = args.typescript ? null : tfjsWasmMemory(backend);
  const kernel = memory === null ? null : adamwWasmKernelFor(memory);
  // Views and offsets only now: allocating may have grown the heap (and detached earlier views).
  const view = (t: TensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array;
  const active = (t: TensorInfo): boolean => sizeOf(t.shape) > 0;
  if (kernel !== null) {
    fusedAdamWCounts.wasmSimd++;
    const scale = args.scale ?? clipScale(args.normGrads.reduce((sum, g) => (active(g) ? sum + kernel.sumSquares(view(g).byteOffset, sizeOf(g.shape)) : sum), 0), args.clipNorm);
    args.entries.forEach((e, k) => {
      const n = sizeOf(e.p.shape);
      if (n === 0) return;
      const at = {
        p: view(e.p).byteOffset,
        m: view(e.m).byteOffset,
        v: view(e.v).byteOffset,
        g: view(e.g).byteOffset,
        pOut: view(outs[3 * k]).byteOffset,
        mOut: view(outs[3 * k + 1]).byteOffset,
        vOut: view(outs[3 * k + 2]).byteOffset,
      };
      kernel.update(at, n, { ...args.scalars, scale, decay: e.decay });
    });
    return withScale(outs, scale, args, () => backend.makeOutput([], 'float32'), (t) => view(t));
  }
  fusedAdamWCounts.typescript++;
  const scale = args.scale ?? clipScale(args.normGrads.reduce((sum, g) => (active(g) ? sum + sumSquares(view(g)) : sum), 0), args.clipNorm);
  args.entries.forEach((e, k) => {
    if (!active(e.p)) return;
    const s = { ...args.scalars, scale, decay: e.decay };
    adamwUpdate(view(e.p), view(e.m), view(e.v), view(e.g), view(outs[3 * k]), view(outs[3 * k + 1]), view(outs[3 * k + 2]), s);
  });
  return withScale(outs, scale, args, () => backend.makeOutput([], 'float32'), (t) => view(t));
}

/** `outs`, plus the clip factor as a scalar output when asked for. */
function withScale(outs: TensorInfo[], scale: number, args: KernelArgs, make: () => TensorInfo, view: (t: TensorInfo) => Float32Array): TensorInfo[] {
  if (!args.returnScale) return outs;
  const out = make();
  view(out)[0] = scale;
  return [...outs, out];
}

function runOnCpu(backend: CpuBackendLike, args: KernelArgs): TensorInfo[] {
  fusedAdamWCounts.typescript++;
  const read = (t: TensorInfo): Float32Array => readCpuFloat32(backend, t, CLIP_ADAMW_KERNEL);
  const scale = args.scale ?? clipScale(args.normGrads.reduce((sum, g) => sum + sumSquares(read(g)), 0), args.clipNorm);
  const outs = args.entries.flatMap((e) => {
    const n = sizeOf(e.p.shape);
    const [pOut, mOut, vOut] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    adamwUpdate(read(e.p), read(e.m), read(e.v), read(e.g), pOut, mOut, vOut, { ...args.scalars, scale, decay: e.decay });
    return [backend.makeTensorInfo([...e.p.shape], 'float32', pOut), backend.makeTensorInfo([...e.m.shape], 'float32', mOut), backend.makeTensorInfo([...e.v.shape], 'float32', vOut)];
  });
  return args.returnScale ? [...outs, backend.makeTensorInfo([], 'float32', Float32Array.of(scale))] : outs;
}

function kernelConfig(backendName: string): KernelConfig {
  return {
    kernelName: CLIP_ADAMW_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const args = kernelArgs(inputs, attrs);
      if (isWasmHeapBackend(backend)) return runOnWasmHeap(backend, args);
      if (isCpuBackendLike(backend)) return runOnCpu(backend, args);
      throw new Error(`${CLIP_ADAMW_KERNEL} runs on the wasm and cpu backends only`);
    },
  };
}

function ensureRegistered(): void {
  for (const backendName of IN_PROCESS_BACKENDS) {
    if (tf.getKernel(CLIP_ADAMW_KERNEL, backendName) === undefined) tf.registerKernel(kernelConfig(backendName));
  }
}

/**
 * Entries per kernel call: the new values and moments of a call's variables exist beside the old
 * ones until they are assigned, so a large model is updated in groups of about this many weights
 * (a larger variable alone), keeping the extra memory near 3 × 4 bytes × this, not 3 × the model.
 */
export const CALL_MAX_ENTRIES = 1 << 22;

/** Consecutive groups of `sizes`' indices, each of at most `max` entries in all or a single index. */
export function groupBySize(sizes: readonly number[], max: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let total = 0;
  sizes.forEach((n, i) => {
    if (current.length > 0 && total + n > max) {
      groups.push(current);
      current = [];
      total = 0;
    }
    current.push(i);
    total += n;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Clips `normGrads` by their global norm (when step.clipNorm > 0) and computes one AdamW step of
 * every entry on the active backend (wasm or cpu): one kernel call per CALL_MAX_ENTRIES weights
 * (one call for most models; the first computes the clip factor, later ones reuse it). `assign`
 * receives, per entry in order, the new value and moments [p', m', v']: tensors it must assign
 * (they are disposed after it returns).
 */
export function fusedClipAdamW(
  entries: readonly ClipAdamWEntry[],
  normGrads: readonly tf.Tensor[],
  step: ClipAdamWStep,
  assign: (index: number, updated: [tf.Tensor, tf.Tensor, tf.Tensor]) => void,
  env: NodeJS.ProcessEnv = process.env,
  maxEntries: number = CALL_MAX_ENTRIES,
): void {
  if (entries.length === 0) return;
  ensureRegistered();
  const groups = groupBySize(entries.map((e) => e.p.size), maxEntries);
  let scale: number | null = null;
  groups.forEach((group, gi) => {
    const inputs: Record<string, tf.Tensor> = {};
    group.forEach((index, k) => {
      const e = entries[index];
      inputs[`p${k}`] = e.p;
      inputs[`m${k}`] = e.m;
      inputs[`v${k}`] = e.v;
      inputs[`g${k}`] = e.g;
    });
    const first = gi === 0;
    const clipping = step.clipNorm > 0 && first;
    if (clipping) normGrads.forEach((g, j) => (inputs[`n${j}`] = g));
    const returnScale = first && groups.length > 1;
    const attrs: NamedAttrMap = {
      count: group.length,
      normCount: clipping ? normGrads.length : 0,
      decays: group.map((index) => (entries[index].decay ? 1 : 0)),
      clipNorm: step.clipNorm,
      learningRate: step.learningRate,
      beta1: step.beta1,
      beta2: step.beta2,
      epsilon: step.epsilon,
      biasCorrection1: step.biasCorrection1,
      biasCorrection2: step.biasCorrection2,
      decayRate: step.decayRate,
      typescript: typescriptForced(env),
      returnScale,
      ...(scale === null ? {} : { scale }),
    };
    const out = tf.engine().runKernel(CLIP_ADAMW_KERNEL, inputs, attrs);
    const list = Array.isArray(out) ? out : [out];
    try {
      if (returnScale) scale = list[3 * group.length].dataSync()[0];
      group.forEach((index, k) => assign(index, [list[3 * k], list[3 * k + 1], list[3 * k + 2]]));
    } finally {
      tf.dispose(list);
    }
  });
}
