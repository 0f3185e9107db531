// The convolution gradients the wasm backend lacks, in plain JavaScript over typed arrays:
// tfjs-backend-wasm 4.22 has Conv2D, Conv2DBackpropInput and DepthwiseConv2dNative, but not
//   Conv2DBackpropFilter                 dW[i,j,c,o] = Σ x[b, y·s + i·d − p, x·s + j·d − p, c] · dy[b,y,x,o]
//   DepthwiseConv2dNativeBackpropFilter  dW[i,j,c,m] = Σ x[b, …, c] · dy[b,y,x, c·M + m]
//   DepthwiseConv2dNativeBackpropInput   dx[b, y·s + i·d − p, …, c] += dy[b,y,x, c·M + m] · W[i,j,c,m]
// (NHWC; s stride, d dilation, p the top/left padding of tfjs's conv info). Without them, on wasm
// only layers after MobileNetV2's last depthwise convolution could train. The loops run channels
// innermost (contiguous in NHWC) and accumulate in float64; tfjs's own cpu kernels compute the
// same sums element by element through TensorBuffer, 20-100× slower (the tests compare the two).

import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

const TARGET_BACKEND = 'wasm';

interface DataBackend {
  readSync(dataId: object): unknown;
  write(values: Float32Array, shape: number[], dtype: 'float32'): object;
}

function isDataBackend(backend: unknown): backend is DataBackend {
  if (typeof backend !== 'object' || backend === null) return false;
  const b = backend as Record<string, unknown>;
  return typeof b['readSync'] === 'function' && typeof b['write'] === 'function';
}

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;
type Shape4 = [number, number, number, number];

function shape4(info: TensorInfo, name: string, kernel: string): Shape4 {
  if (info.shape.length !== 4) throw new Error(`${kernel}: ${name} must be 4-D, got [${info.shape.join(', ')}].`);
  return info.shape as Shape4;
}

function floats(backend: DataBackend, info: TensorInfo | undefined, name: string, kernel: string): Float32Array {
  if (info === undefined) throw new Error(`${kernel}: input ${name} is missing.`);
  const values = backend.readSync(info.dataId);
  if (!(values instanceof Float32Array)) throw new Error(`${kernel}: ${name} must be float32.`);
  return values;
}

function numberList(value: unknown, what: string): number | [number, number] {
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0] as number, value[1] as number];
  throw new Error(`Convolution gradient: ${what} must be a number or a pair, got ${JSON.stringify(value)}.`);
}

function padOf(value: unknown): 'valid' | 'same' | number {
  if (value === 'valid' || value === 'same' || typeof value === 'number') return value;
  throw new Error(`Convolution gradient: explicit padding ${JSON.stringify(value)} is not supported on ${TARGET_BACKEND}.`);
}

function roundingOf(value: unknown): 'floor' | 'round' | 'ceil' | undefined {
  return value === 'floor' || value === 'round' || value === 'ceil' ? value : undefined;
}

/** The conv info tfjs's own kernels compute from the same attributes. */
function convInfo(xShape: Shape4, filterShape: Shape4, attrs: Record<string, unknown>, depthwise: boolean, kernel: string): Conv2DInfo {
  const format = attrs['dataFormat'];
  if (format !== undefined && format !== 'NHWC' && format !== 'channelsLast') {
    throw new Error(`${kernel} on ${TARGET_BACKEND} supports NHWC only, got ${String(format)}.`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    numberList(attrs['strides'], 'strides'),
    attrs['dilations'] === undefined ? 1 : numberList(attrs['dilations'], 'dilations'),
    padOf(attrs['pad']),
    roundingOf(attrs['dimRoundingMode']),
    depthwise,
  );
}

/** Visits every (output position, filter tap) pair whose input position is inside the image. */
function forEachTap(info: Conv2DInfo, visit: (xOffset: number, dyOffset: number, tap: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth, filterHeight, filterWidth, padInfo } = info;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const dyOffset = ((b * outHeight + oy) * outWidth + ox) * outChannels;
        for (let i = 0; i < filterHeight; i++) {
          const iy = oy * strideHeight - padInfo.top + i * dilationHeight;
          if (iy < 0 || iy >= inHeight) continue;
          for (let j = 0; j < filterWidth; j++) {
            const ix = ox * strideWidth - padInfo.left + j * dilationWidth;
            if (ix < 0 || ix >= inWidth) continue;
            visit(((b * inHeight + iy) * inWidth + ix) * inChannels, dyOffset, i * filterWidth + j);
          }
        }
      }
    }
  }
}

function toFloat32(values: Float64Array): Float32Array {
  return Float32Array.from(values);
}

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const name = 'Conv2DBackpropFilter';
  if (!isDataBackend(backend)) throw new Error(`${name}: the backend cannot read or write tensors.`);
  const filterShape = attrs?.['filterShape'] as Shape4;
  const info = convInfo(shape4(inputs['x'] as TensorInfo, 'x', name), filterShape, attrs ?? {}, false, name);
  const x = floats(backend, inputs['x'], 'x', name);
  const dy = floats(backend, inputs['dy'], 'dy', name);
  const { inChannels, outChannels } = info;
  const dW = new Float64Array(filterShape.reduce((a, b) => a * b, 1));
  forEachTap(info, (xo, dyo, tap) => {
    const base = tap * inChannels * outChannels;
    for (let c = 0; c < inChannels; c++) {
      const xv = x[xo + c];
      if (xv === 0) continue;
      const row = base + c * outChannels;
      for (let o = 0; o < outChannels; o++) dW[row + o] += xv * dy[dyo + o];
    }
  });
  return { dataId: backend.write(toFloat32(dW), [...filterShape], 'float32'), shape: [...filterShape], dtype: 'float32' };
};

const depthwiseBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const name = 'DepthwiseConv2dNativeBackpropFilter';
  if (!isDataBackend(backend)) throw new Error(`${name}: the backend cannot read or write tensors.`);
  const filterShape = attrs?.['filterShape'] as Shape4;
  const info = convInfo(shape4(inputs['x'] as TensorInfo, 'x', name), filterShape, attrs ?? {}, true, name);
  const x = floats(backend, inputs['x'], 'x', name);
  const dy = floats(backend, inputs['dy'], 'dy', name);
  const { inChannels, outChannels } = info;
  const multiplier = outChannels / inChannels;
  const dW = new Float64Array(filterShape.reduce((a, b) => a * b, 1));
  forEachTap(info, (xo, dyo, tap) => {
    const base = tap * outChannels;
    for (let c = 0; c < inChannels; c++) {
      const xv = x[xo + c];
      for (let m = 0; m < multiplier; m++) {
        const k = c * multiplier + m;
        dW[base + k] += xv * dy[dyo + k];
      }
    }
  });
  return { dataId: backend.write(toFloat32(dW), [...filterShape], 'float32'), shape: [...filterShape], dtype: 'float32' };
};

const depthwiseBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const name = 'DepthwiseConv2dNativeBackpropInput';
  if (!isDataBackend(backend)) throw new Error(`${name}: the backend cannot read or write tensors.`);
  const inputShape = attrs?.['inputShape'] as Shape4;
  const filter = inputs['filter'] as TensorInfo;
  const info = convInfo(inputShape, shape4(filter, 'filter', name), attrs ?? {}, true, name);
  const dy = floats(backend, inputs['dy'], 'dy', name);
  const w = floats(backend, filter, 'filter', name);
  const { inChannels, outChannels } = info;
  const multiplier = outChannels / inChannels;
  const dx = new Float64Array(inputShape.reduce((a, b) => a * b, 1));
  forEachTap(info, (xo, dyo, tap) => {
    const base = tap * outChannels;
    for (let c = 0; c < inChannels; c++) {
      let sum = 0;
      for (let m = 0; m < multiplier; m++) {
        const k = c * multiplier + m;
        sum += dy[dyo + k] * w[base + k];
      }
      dx[xo + c] += sum;
    }
  });
  return { dataId: backend.write(toFloat32(dx), [...inputShape], 'float32'), shape: [...inputShape], dtype: 'float32' };
};

/** The kernels provided, by name. */
const KERNELS: ReadonlyMap<string, KernelFunc> = new Map([
  ['Conv2DBackpropFilter', conv2DBackpropFilter],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput],
]);

export const CONV_GRAD_KERNELS: readonly string[] = [...KERNELS.keys()];

/** True when our kernel is the one registered for `kernelName` on wasm. */
export function isConvGradKernelRegistered(kernelName: string): boolean {
  const existing: KernelConfig | undefined = tf.getKernel(kernelName, TARGET_BACKEND);
  return existing !== undefined && existing.kernelFunc === KERNELS.get(kernelName);
}

/**
 * Registers our kernels on 'wasm' for the ones it lacks (a kernel wasm already has is left alone).
 * Idempotent; works before or after the wasm backend is initialised.
 */
export function registerConvGradKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (tf.getKernel(kernelName, TARGET_BACKEND) !== undefined) continue;
    tf.registerKernel({ kernelName, backendName: TARGET_BACKEND, kernelFunc });
  }
}
