// Finds a WebGPU adapter through Dawn's Node bindings (npm `webgpu`), the ways WebgpuSettings
// allow: Dawn's native backend (Vulkan on Linux, Metal on macOS, D3D12 on Windows), then its
// OpenGL ES backend in compatibility mode (headless through EGL_PLATFORM=surfaceless). Each way
// tried is reported, with why it gave nothing.

import type { AdapterFacts } from './adapterFacts';
import { isSoftwareAdapter } from './adapterFacts';
import type { DawnAdapter, DawnGpu, DawnModule } from './dawnTypes';
import { findVulkanLoader } from './vulkanLoader';
import type { WebgpuSettings } from './webgpuSettings';

export interface AdapterAttempt {
  via: AdapterFacts['via'];
  /** What happened, in words. */
  outcome: string;
  facts: AdapterFacts | null;
}

export interface FoundAdapter {
  gpu: DawnGpu;
  adapter: DawnAdapter;
  facts: AdapterFacts;
}

function isDawnModule(value: unknown): value is DawnModule {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { create?: unknown; globals?: unknown };
  return typeof v.create === 'function' && typeof v.globals === 'object' && v.globals !== null;
}

/** Loads the `webgpu` package (an ES module; Dawn's binary for this platform is inside it). */
export async function loadDawn(): Promise<DawnModule> {
  const specifier = 'webgpu';
  const loaded: unknown = await import(specifier);
  const mod = isDawnModule(loaded) ? loaded : isDawnModule((loaded as { default?: unknown }).default) ? (loaded as { default: DawnModule }).default : null;
  if (mod === null) throw new Error('the webgpu package does not export create() and globals');
  return mod;
}

function factsOf(adapter: DawnAdapter, via: AdapterFacts['via']): AdapterFacts {
  const info = adapter.info;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    via,
    software: isSoftwareAdapter(info),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

function whyNoNativeAdapter(): string {
  if (process.platform === 'linux' && findVulkanLoader() === null) {
    return 'no adapter: the Vulkan loader (libvulkan.so.1) is not installed';
  }
  return process.platform === 'linux'
    ? 'no adapter: Vulkan found no usable GPU driver (is the GPU driver with its Vulkan ICD installed?)'
    : 'no adapter: the system WebGPU backend (Metal/D3D12) found no GPU';
}

async function tryWay(dawn: DawnModule, via: AdapterFacts['via'], settings: WebgpuSettings): Promise<{ found: FoundAdapter | null; attempt: AdapterAttempt }> {
  try {
    if (via === 'opengl' && process.platform === 'linux' && process.env.EGL_PLATFORM === undefined) {
      // Headless: no X or Wayland display is needed to reach the GPU (or Mesa's llvmpipe).
      process.env.EGL_PLATFORM = 'surfaceless';
    }
    const gpu = dawn.create(via === 'opengl' ? ['backend=opengl'] : []);
    const adapter = await gpu.requestAdapter({
      powerPreference: settings.power,
      ...(via === 'opengl' ? { featureLevel: 'compatibility' as const } : {}),
    });
    if (adapter === null) {
      return { found: null, attempt: { via, outcome: via === 'opengl' ? 'no adapter: EGL/OpenGL ES found no device' : whyNoNativeAdapter(), facts: null } };
    }
    const facts = factsOf(adapter, via);
    return { found: { gpu, adapter, facts }, attempt: { via, outcome: facts.software ? 'software adapter found' : 'GPU adapter found', facts } };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { found: null, attempt: { via, outcome: `failed: ${message}`, facts: null } };
  }
}

/**
 * Tries each allowed way in order and returns the first hardware adapter, or a software one when
 * allowed and nothing better exists. Every way tried is in `attempts`.
 */
export async function findAdapter(dawn: DawnModule, settings: WebgpuSettings): Promise<{ found: FoundAdapter | null; attempts: AdapterAttempt[] }> {
  const ways: AdapterFacts['via'][] = settings.via === 'auto' ? ['default', 'opengl'] : [settings.via];
  const attempts: AdapterAttempt[] = [];
  let software: FoundAdapter | null = null;
  for (const via of ways) {
    const { found, attempt } = await tryWay(dawn, via, settings);
    attempts.push(attempt);
    if (found === null) continue;
    if (!found.facts.software) return { found, attempts };
    software ??= found;
  }
  return { found: settings.allowSoftware ? software : null, attempts };
}
