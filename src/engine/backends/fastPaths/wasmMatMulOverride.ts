// Installs and removes the fast BatchMatMul kernel (transposedMatMulKernel.ts) on the 'wasm' backend,
// and with it the fast _FusedMatMul (wasmGemmFusedMatMul.ts): both run our GEMM where it pays.
//
// It replaces a kernel of tfjs-backend-wasm by wrapping the stock kernel function, so it is pinned
// to the version it was written and tested against: on any other tfjs-core or tfjs-backend-wasm
// version it refuses to install and says why. disable restores the stock KernelConfig object
// itself, exactly as it was registered.

import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { makeFastBatchMatMul } from './transposedMatMulKernel';
import { makeGemmFusedMatMul } from './wasmGemmFusedMatMul';
import { wasmKernelOverride } from './wasmKernelOverride';
import type { WasmKernelOverride } from './wasmKernelOverride';

/** The name the run records for this fast path. */
export const WASM_MATMUL_FAST_PATH = 'wasm-transposed-matmul';

/** The tfjs version the override is written for (package.json pins it). */
export const PINNED_TFJS_VERSION = '4.22.0';

const KERNEL = 'BatchMatMul';
const BACKEND = 'wasm';

let stockConfig: KernelConfig | null = null;
let fastConfig: KernelConfig | null = null;
let fusedOverride: WasmKernelOverride | null = null;

/** The _FusedMatMul override (created on first use: wasmKernelOverride.ts imports this module). */
function fusedMatMulOverride(): WasmKernelOverride {
  fusedOverride ??= wasmKernelOverride(`${WASM_MATMUL_FAST_PATH}/_FusedMatMul`, '_FusedMatMul', makeGemmFusedMatMul);
  return fusedOverride;
}

export interface TfjsVersions {
  core: string;
  wasm: string;
}

/** The versions of tfjs-core and tfjs-backend-wasm loaded in this process. */
export function loadedTfjsVersions(): TfjsVersions {
  return { core: tf.version_core, wasm: version_wasm };
}

/** Why the override cannot be installed here, or null when it can. */
export function overrideUnavailableReason(versions: TfjsVersions = loadedTfjsVersions()): string | null {
  if (versions.core !== PINNED_TFJS_VERSION || versions.wasm !== PINNED_TFJS_VERSION) {
    return `${WASM_MATMUL_FAST_PATH} is written for tfjs ${PINNED_TFJS_VERSION}, found tfjs-core ${versions.core} and tfjs-backend-wasm ${versions.wasm}`;
  }
  if (tf.getKernel(KERNEL, BACKEND) === undefined) return `no stock ${KERNEL} kernel is registered for '${BACKEND}'`;
  if (tf.getKernel('Transpose', BACKEND) === undefined) return `no Transpose kernel is registered for '${BACKEND}'`;
  return null;
}

/** True while our kernel is the registered wasm BatchMatMul. */
export function isWasmMatMulOverrideEnabled(): boolean {
  const current = tf.getKernel(KERNEL, BACKEND);
  return fastConfig !== null && current === fastConfig;
}

/**
 * Registers the fast BatchMatMul for 'wasm' (idempotent). Returns null when installed, else why
 * not (then nothing changed). `versions` is for tests of the version pin. Works before or after the wasm backend is initialized: the stock
 * setup function travels with our config.
 */
export function enableWasmMatMulOverride(versions: TfjsVersions = loadedTfjsVersions()): string | null {
  if (isWasmMatMulOverrideEnabled()) return null;
  const reason = overrideUnavailableReason(versions);
  if (reason !== null) return reason;
  const stock = tf.getKernel(KERNEL, BACKEND);
  const transpose = tf.getKernel('Transpose', BACKEND);
  if (stock === undefined || transpose === undefined) return `the ${KERNEL} or Transpose kernel is missing for '${BACKEND}'`;
  const config: KernelConfig = {
    kernelName: KERNEL,
    backendName: BACKEND,
    kernelFunc: makeFastBatchMatMul(stock.kernelFunc, transpose.kernelFunc),
    ...(stock.setupFunc === undefined ? {} : { setupFunc: stock.setupFunc }),
    ...(stock.disposeFunc === undefined ? {} : { disposeFunc: stock.disposeFunc }),
  };
  tf.unregisterKernel(KERNEL, BACKEND);
  tf.registerKernel(config);
  stockConfig = stock;
  fastConfig = config;
  // Dense layers' forward: without it only backward matMuls would use the GEMM. Its own refusal
  // (no stock _FusedMatMul registered) leaves the BatchMatMul override in place.
  fusedMatMulOverride().enable(versions);
  return null;
}

/** Restores the stock kernel config (no-op when the override is not installed). */
export function disableWasmMatMulOverride(): void {
  fusedOverride?.disable();
  if (!isWasmMatMulOverrideEnabled() || stockConfig === null) return;
  tf.unregisterKernel(KERNEL, BACKEND);
  tf.registerKernel(stockConfig);
  stockConfig = null;
  fastConfig = null;
}
