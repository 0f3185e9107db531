// Replaces one tfjs-wasm kernel by a faster function that wraps the stock one, and puts the stock
// kernel back: the mechanism of wasmMatMulOverride.ts for any kernel. Pinned like it to the tfjs
// version it was written against (a wrapped kernel relies on tfjs-wasm internals); on another
// version enable() refuses and says why. disable() restores the stock KernelConfig object itself.

import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { loadedTfjsVersions, PINNED_TFJS_VERSION } from './wasmMatMulOverride';
import type { TfjsVersions } from './wasmMatMulOverride';

const BACKEND = 'wasm';

export interface WasmKernelOverride {
  /** The name the run records for this fast path. */
  readonly name: string;
  readonly kernelName: string;
  /** Installs the fast kernel (idempotent); null when installed, else why not (nothing changed). */
  enable(versions?: TfjsVersions): string | null;
  /** Restores the stock kernel (no-op when not installed). */
  disable(): void;
  isEnabled(): boolean;
}

/** An override of `kernelName` on 'wasm' by makeFast(stock kernel function). */
export function wasmKernelOverride(name: string, kernelName: string, makeFast: (stock: KernelFunc) => KernelFunc): WasmKernelOverride {
  let stockConfig: KernelConfig | null = null;
  let fastConfig: KernelConfig | null = null;
  const isEnabled = (): boolean => fastConfig !== null && tf.getKernel(kernelName, BACKEND) === fastConfig;
  return {
    name,
    kernelName,
    isEnabled,
    enable(versions = loadedTfjsVersions()) {
      if (isEnabled()) return null;
      if (versions.core !== PINNED_TFJS_VERSION || versions.wasm !== PINNED_TFJS_VERSION) {
        return `${name} is written for tfjs ${PINNED_TFJS_VERSION}, found tfjs-core ${versions.core} and tfjs-backend-wasm ${versions.wasm}`;
      }
      const stock = tf.getKernel(kernelName, BACKEND);
      if (stock === undefined) return `no stock ${kernelName} kernel is registered for '${BACKEND}'`;
      const config: KernelConfig = {
        kernelName,
        backendName: BACKEND,
        kernelFunc: makeFast(stock.kernelFunc),
        ...(stock.setupFunc === undefined ? {} : { setupFunc: stock.setupFunc }),
        ...(stock.disposeFunc === undefined ? {} : { disposeFunc: stock.disposeFunc }),
      };
      tf.unregisterKernel(kernelName, BACKEND);
      tf.registerKernel(config);
      stockConfig = stock;
      fastConfig = config;
      return null;
    },
    disable() {
      if (!isEnabled() || stockConfig === null) return;
      tf.unregisterKernel(kernelName, BACKEND);
      tf.registerKernel(stockConfig);
      stockConfig = null;
      fastConfig = null;
    },
  };
}
