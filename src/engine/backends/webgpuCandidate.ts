// The WebGPU backend: Dawn's Node bindings (npm `webgpu`, its binary inside the package, so
// nothing else to install) provide `navigator.gpu`, and @tensorflow/tfjs-backend-webgpu runs on
// the device we open. We pick the adapter ourselves (see webgpu/findAdapter.ts) rather than let
// the tfjs package do it, to report what was found, refuse software adapters unless forced, reach
// OpenGL-only drivers through Dawn's compatibility mode, and catch the device's asynchronous
// errors (out of memory, device lost) for the training loop.

import * as tf from '@tensorflow/tfjs';
import type { BackendCandidate } from './backendCandidate';
import { errorLine, loadOptionalPackage } from './optionalPackage';
import { describeAdapter, type AdapterFacts } from './webgpu/adapterFacts';
import type { DawnDevice } from './webgpu/dawnTypes';
import { findAdapter, loadDawn, type AdapterAttempt, type FoundAdapter } from './webgpu/findAdapter';
import { recordGpuError } from './webgpu/gpuErrors';
import { WEBGPU_ALLOW_SOFTWARE_ENV, webgpuSettingsFrom } from './webgpu/webgpuSettings';

const TFJS_WEBGPU = '@tensorflow/tfjs-backend-webgpu';
/** Kernels recorded per GPU submit (tfjs's default is 15). */
const SUBMIT_BATCH = 200;

type WebGpuBackendClass = new (device: DawnDevice, adapterInfo?: unknown) => tf.KernelBackend;

interface OpenedDevice {
  facts: AdapterFacts;
  device: DawnDevice;
}

/** The device this process opened (one per process, as TensorFlow.js keeps one backend). */
let opened: OpenedDevice | null = null;
/** The adapter search of this process, for the doctor and the run record. */
let lastAttempts: AdapterAttempt[] = [];

export function webgpuAttempts(): readonly AdapterAttempt[] {
  return lastAttempts;
}

export function openedWebgpuAdapter(): AdapterFacts | null {
  return opened?.facts ?? null;
}

function installGlobals(found: FoundAdapter, globals: Record<string, unknown>): void {
  const g = globalThis as Record<string, unknown>;
  // GPUBufferUsage, GPUMapMode, GPUTextureUsage…: the tfjs backend reads these as globals.
  for (const [name, value] of Object.entries(globals)) if (!(name in g)) g[name] = value;
  const nav = g.navigator;
  if (typeof nav === 'object' && nav !== null) {
    Object.defineProperty(nav, 'gpu', { value: found.gpu, configurable: true, enumerable: true, writable: true });
  } else {
    g.navigator = { gpu: found.gpu };
  }
}

function backendClass(): WebGpuBackendClass | string {
  const load = loadOptionalPackage(TFJS_WEBGPU);
  if (load.status === 'missing') return `${TFJS_WEBGPU} is not installed`;
  if (load.status === 'failed') return `${TFJS_WEBGPU} failed to load: ${load.error}`;
  const ctor = (load.module as { WebGPUBackend?: unknown }).WebGPUBackend;
  if (typeof ctor !== 'function') return `${TFJS_WEBGPU} does not export WebGPUBackend`;
  return ctor as WebGpuBackendClass;
}

async function openDevice(found: FoundAdapter): Promise<DawnDevice> {
  const { adapter } = found;
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    // The adapter's maxima rather than WebGPU's small defaults, as tfjs-backend-webgpu asks, plus
    // the storage-buffer count: tfjs's fused kernels (e.g. addN of many gradients) bind up to 11.
    requiredLimits: {
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      ...(limits.maxBindingsPerBindGroup === undefined ? {} : { maxBindingsPerBindGroup: limits.maxBindingsPerBindGroup }),
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  device.onuncapturederror = (event) => recordGpuError(`${event.error.constructor.name}: ${event.error.message}`);
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') recordGpuError(`${info.reason}: ${info.message}`, true);
  });
  return device;
}

function summarize(attempts: readonly AdapterAttempt[]): string {
  return attempts.map((a) => `${a.via === 'opengl' ? 'OpenGL ES' : 'native (Vulkan/Metal/D3D12)'}: ${a.facts === null ? a.outcome : `${a.outcome} (${describeAdapter(a.facts)})`}`).join('; ');
}

async function prepare(): Promise<string | null> {
  if (opened !== null && tf.findBackendFactory('webgpu')) return null;
  const settings = webgpuSettingsFrom(process.env);
  let dawn;
  try {
    dawn = await loadDawn();
  } catch (err) {
    return `the webgpu package (Dawn) failed to load: ${errorLine(err)}`;
  }
  const { found, attempts } = await findAdapter(dawn, settings);
  lastAttempts = attempts;
  if (found === null) {
    const softwareOnly = attempts.some((a) => a.facts?.software === true);
    return softwareOnly
      ? `only a software WebGPU adapter was found (${summarize(attempts)}); it runs on the CPU, slower than wasm. Set ${WEBGPU_ALLOW_SOFTWARE_ENV}=1 to use it anyway`
      : `no WebGPU adapter: ${summarize(attempts)}`;
  }
  installGlobals(found, dawn.globals);
  const Backend = backendClass();
  if (typeof Backend === 'string') return Backend;
  // Measured on an H100 through Dawn (gpu-check --overhead): each queue.submit from Node costs
  // enough that tfjs's default of one submit per 15 kernels dominates small kernels; one per 200
  // gave 0.09 instead of 0.14 ms per kernel and a 1.3x faster BERT-mini LoRA step.
  // FINETUNE_TFJS_FLAGS=WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=N overrides it.
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', SUBMIT_BATCH);
  const device = await openDevice(found);
  // Importing the tfjs package registered its own factory (it would pick its own adapter): replace it.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new Backend(device, found.adapter.info), 3);
  opened = { facts: found.facts, device };
  return null;
}

export function webgpuCandidate(): BackendCandidate {
  return {
    name: 'webgpu',
    tfjsName: 'webgpu',
    prepare,
    describe: () => (opened === null ? null : describeAdapter(opened.facts)),
  };
}
