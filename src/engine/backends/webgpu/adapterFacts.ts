// What we tell the user about a WebGPU adapter, and whether it is a software rasterizer
// (llvmpipe, lavapipe, SwiftShader, WARP…): those run on the CPU, slower than our wasm path,
// so they are refused for training unless the user forces them.

import type { DawnAdapterInfo } from './dawnTypes';

export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn's backend for it: 'default' (Vulkan, Metal or D3D12) or 'opengl' (OpenGL ES, compatibility mode). */
  via: 'default' | 'opengl';
  software: boolean;
  /** Largest buffer and storage binding the device accepts, in bytes. */
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software|warp|basic render/i;

export function isSoftwareAdapter(info: DawnAdapterInfo): boolean {
  if (info.isFallbackAdapter === true) return true;
  return SOFTWARE.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** One line naming the adapter, e.g. "nvidia hopper: NVIDIA H100 80GB HBM3 (Vulkan 1.3…)". */
export function describeAdapter(facts: AdapterFacts): string {
  const who = [facts.vendor, facts.architecture].filter((s) => s.trim() !== '').join(' ');
  const what = [facts.device, facts.description].filter((s) => s.trim() !== '').join(', ');
  const via = facts.via === 'opengl' ? ' through OpenGL ES (compatibility mode)' : '';
  const kind = facts.software ? ' [software adapter: runs on the CPU]' : '';
  return `${who === '' ? '' : `${who}: `}${what === '' ? 'unnamed adapter' : what}${via}${kind}`;
}
