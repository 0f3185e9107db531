// GELU as one kernel forward and one backward, on typed arrays: the fast path 'fused-gelu'.
//
// tfjs-layers 4.22 computes the 'gelu' activation (exact, BERT's hidden_act "gelu") as
// x · 0.5 · (1 + erf(x / √2)) in 5 kernels, and 'gelu_new' (the tanh approximation) with tf.pow;
// autodiff then runs about a dozen more kernels backward, among them Exp and Erf (scalar loops
// on wasm): ~60 ms of a BERT-mini LoRA step on wasm, ~45 ms with this path (a modest gain there;
// on cpu, and for gelu_new, whose stock form calls tf.pow, it is 2-2.5x). One loop computes the
// forward and one the input gradient:
//   exact:  y = x·Φ(x),            dy/dx = Φ(x) + x·φ(x),  Φ(x) = erfc(−x/√2)/2, φ = N(0,1) density
//   tanh:   y = x·(1 + tanh(u))/2,  u = √(2/π)·(x + 0.044715·x³),
//           dy/dx = (1 + tanh u)/2 + x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²)/2
// in double precision, stored as float32. erfc is Numerical Recipes' erfcc (fractional error
// below 1.2e-7 everywhere, so Φ stays accurate in the far negative tail, where 1 + erf cancels).
// On wasm the loops run in the WebAssembly SIMD kernel (wasmGeluKernel.ts; plain JavaScript with
// Math.exp is slower than the stock kernels there), so on wasm this path needs that kernel built;
// on cpu the TypeScript loops below run. It replaces the apply() of tfjs-layers' gelu and gelu_new
// activation classes (every Dense or Activation layer with that activation) while on and the
// backend is one of those; elsewhere, or off, the stock code runs.

import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { computeFloat32, IN_PROCESS_BACKENDS } from './cpuKernelIo';
import { geluWasmKernel, geluWasmUnavailableReason } from './wasmGeluKernel';
import { loadedTfjsVersions, PINNED_TFJS_VERSION, type TfjsVersions } from './wasmMatMulOverride';

/** The name the run records for this fast path. */
export const FUSED_GELU_FAST_PATH = 'fused-gelu';

export const GELU_KERNEL = 'FtGelu';
export const GELU_GRAD_KERNEL = 'FtGeluGrad';

/** Calls of the fused forward and backward, for tests and benchmarks. */
export const fusedGeluCounts = { forward: 0, backward: 0 };

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TANH_C = Math.sqrt(2 / Math.PI);
const TANH_K = 0.044715;

/** Complementary error function (Numerical Recipes erfcc; fractional error < 1.2e-7). */
export function erfc(z: number): number {
  const a = Math.abs(z);
  const t = 1 / (1 + 0.5 * a);
  const r =
    t *
    Math.exp(
      -a * a -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? r : 2 - r;
}

/** y = gelu(x) elementwise into out. */
export function geluForward(x: Float32Array, out: Float32Array, approximate: boolean): void {
  const n = x.length;
  if (approximate) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      out[i] = 0.5 * v * (1 + Math.tanh(TANH_C * (v + TANH_K * v * v * v)));
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    out[i] = 0.5 * v * erfc(-v * SQRT1_2);
  }
}

/** dx = dy · gelu'(x) elementwise into out. */
export function geluBackward(dy: Float32Array, x: Float32Array, out: Float32Array, approximate: boolean): void {
  const n = x.length;
  if (approximate) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const v2 = v * v;
      const t = Math.tanh(TANH_C * (v + TANH_K * v2 * v));
      out[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * TANH_C * (1 + 3 * TANH_K * v2));
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    out[i] = dy[i] * (0.5 * erfc(-v * SQRT1_2) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
  }
}

function approximateOf(attrs: NamedAttrMap | undefined): boolean {
  return attrs?.['approximate'] === true;
}

function input(inputs: Partial<Record<string, TensorInfo>>, name: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${GELU_KERNEL}: missing input ${name}`);
  return t;
}

/** Why the fused GELU cannot run on `backendName`, or null when it can. */
export function fusedGeluUnavailableReason(backendName: string): string | null {
  if (backendName === 'cpu') return null;
  if (backendName === 'wasm') return geluWasmUnavailableReason();
  return `${FUSED_GELU_FAST_PATH} runs on the wasm and cpu backends only`;
}

function kernelConfigs(backendName: string): KernelConfig[] {
  const wasm = backendName === 'wasm' ? geluWasmKernel() : null;
  const forward = wasm === null ? geluForward : (x: Float32Array, out: Float32Array, a: boolean): void => wasm.forward(x, out, a);
  const backward = wasm === null ? geluBackward : (dy: Float32Array, x: Float32Array, out: Float32Array, a: boolean): void => wasm.backward(dy, x, out, a);
  return [
    {
      kernelName: GELU_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        fusedGeluCounts.forward++;
        const x = input(inputs, 'x');
        return computeFloat32(backend, [x], [...x.shape], (out, [xv]) => forward(xv, out, approximateOf(attrs)));
      },
    },
    {
      kernelName: GELU_GRAD_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        fusedGeluCounts.backward++;
        const dy = input(inputs, 'dy');
        const x = input(inputs, 'x');
        return computeFloat32(backend, [dy, x], [...x.shape], (out, [dyv, xv]) => backward(dyv, xv, out, approximateOf(attrs)));
      },
    },
  ];
}

const gradConfig: GradConfig = {
  kernelName: GELU_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const g = Array.isArray(dy) ? dy[0] : dy;
    return { x: () => tf.engine().runKernel(GELU_GRAD_KERNEL, { dy: g, x: saved[0] }, attrs as NamedAttrMap) as tf.Tensor };
  },
};

/** gelu(x) through the fused kernel (float32 x on wasm or cpu, kernels registered). */
export function fusedGelu(x: tf.Tensor, approximate: boolean): tf.Tensor {
  return tf.engine().runKernel(GELU_KERNEL, { x }, { approximate }) as tf.Tensor;
}

interface ActivationPrototype {
  apply(this: unknown, x: tf.Tensor, alpha?: number): tf.Tensor;
}

let enabled = false;
let registered = false;
const stockApply = new Map<string, ActivationPrototype['apply']>();

function activationPrototype(className: string): ActivationPrototype | null {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className] as unknown;
  if (!Array.isArray(entry) || typeof entry[0] !== 'function') return null;
  const proto: unknown = (entry[0] as { prototype: unknown }).prototype;
  if (typeof proto !== 'object' || proto === null || typeof (proto as { apply?: unknown }).apply !== 'function') return null;
  return proto as ActivationPrototype;
}

function patch(className: string, approximate: boolean): string | null {
  if (stockApply.has(className)) return null;
  const proto = activationPrototype(className);
  if (proto === null) return `no '${className}' activation class is registered with tfjs`;
  const stock = proto.apply;
  stockApply.set(className, stock);
  proto.apply = function (this: unknown, x: tf.Tensor, alpha?: number): tf.Tensor {
    if (enabled && x.dtype === 'float32' && fusedGeluUnavailableReason(tf.getBackend()) === null) return fusedGelu(x, approximate);
    return stock.call(this, x, alpha);
  };
  return null;
}

/** True while the fast path is on. */
export function isFusedGeluEnabled(): boolean {
  return enabled;
}

/** Registers the kernels (once) and turns the fast path on; null when on, else why not. */
export function enableFusedGelu(versions: TfjsVersions = loadedTfjsVersions()): string | null {
  if (versions.core !== PINNED_TFJS_VERSION) {
    return `${FUSED_GELU_FAST_PATH} is written for tfjs ${PINNED_TFJS_VERSION}, found tfjs-core ${versions.core}`;
  }
  if (!registered) {
    for (const backendName of IN_PROCESS_BACKENDS) {
      for (const config of kernelConfigs(backendName)) {
        if (tf.getKernel(config.kernelName, backendName) === undefined) tf.registerKernel(config);
      }
    }
    tf.registerGradient(gradConfig);
    registered = true;
  }
  const why = patch('gelu', false) ?? patch('gelu_new', true);
  if (why !== null) return `${FUSED_GELU_FAST_PATH}: ${why}`;
  enabled = true;
  return null;
}

/** Turns the fast path off: the activations compute with stock tfjs ops again. */
export function disableFusedGelu(): void {
  enabled = false;
}
