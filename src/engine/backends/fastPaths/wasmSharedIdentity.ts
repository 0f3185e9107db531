// Identity and same-dtype Cast on tfjs-wasm without copying: the output shares the input's memory
// (reference counted), as tfjs's own cpu backend and the wasm Reshape kernel already do. Stock
// tfjs-wasm 4.22 copies the whole tensor for both, and tfjs-core runs Identity for every tensor a
// kernel saves for its gradient (Engine.clone inside saveTensorsForBackwardMode): about 680 copies
// (~450 MB) per BERT-mini training step. Tensor memory is never written after its kernel made it,
// so sharing is safe; the memory is freed when the last tensor using it is disposed.
// A Cast to another dtype stays on the stock kernel.

import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { wasmKernelOverride } from './wasmKernelOverride';

/** Calls that shared memory instead of copying, for tests. */
export const sharedIdentityCounts = { shared: 0 };

interface RefCountingBackend {
  incRef(dataId: TensorInfo['dataId']): void;
}

function canIncRef(backend: unknown): backend is RefCountingBackend {
  return typeof backend === 'object' && backend !== null && typeof (backend as { incRef?: unknown }).incRef === 'function';
}

function makeShared(stock: KernelFunc, sameDtypeOnly: boolean): KernelFunc {
  return (args) => {
    const x = args.inputs['x'];
    const dtype = args.attrs?.['dtype'];
    if (x === undefined || x.dtype === 'string' || x.dtype === 'complex64' || !canIncRef(args.backend) || (sameDtypeOnly && dtype !== x.dtype)) {
      return stock(args);
    }
    args.backend.incRef(x.dataId);
    sharedIdentityCounts.shared++;
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** The overrides, for installing with the other wasm kernels. */
export const wasmSharedIdentityOverride = wasmKernelOverride('wasm-shared-identity', 'Identity', (stock) => makeShared(stock, false));
export const wasmSharedCastOverride = wasmKernelOverride('wasm-shared-cast', 'Cast', (stock) => makeShared(stock, true));
