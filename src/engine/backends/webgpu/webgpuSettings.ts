// How the WebGPU backend looks for an adapter, from environment variables (the worker inherits
// the extension's environment; the CLI the shell's):
//   FINETUNE_WEBGPU_VIA=auto|default|opengl   auto (default): Dawn's native backend (Vulkan, Metal,
//       D3D12) first, then Dawn's OpenGL ES backend in compatibility mode; 'default' or 'opengl'
//       try only that one.
//   FINETUNE_WEBGPU_ALLOW_SOFTWARE=1           accept a software adapter (llvmpipe, SwiftShader…).
//       Off by default: such an adapter runs on the CPU and is slower than the wasm backend. The
//       tests use it to exercise the WebGPU code path on machines without a GPU.
//   FINETUNE_WEBGPU_POWER=high-performance|low-power   which GPU to ask for on dual-GPU machines.

export interface WebgpuSettings {
  via: 'auto' | 'default' | 'opengl';
  allowSoftware: boolean;
  power: 'high-performance' | 'low-power';
}

export const WEBGPU_VIA_ENV = 'FINETUNE_WEBGPU_VIA';
export const WEBGPU_ALLOW_SOFTWARE_ENV = 'FINETUNE_WEBGPU_ALLOW_SOFTWARE';
export const WEBGPU_POWER_ENV = 'FINETUNE_WEBGPU_POWER';

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

export function webgpuSettingsFrom(env: NodeJS.ProcessEnv): WebgpuSettings {
  const via = env[WEBGPU_VIA_ENV]?.trim().toLowerCase();
  return {
    via: via === 'default' || via === 'opengl' ? via : 'auto',
    allowSoftware: truthy(env[WEBGPU_ALLOW_SOFTWARE_ENV]),
    power: env[WEBGPU_POWER_ENV]?.trim() === 'low-power' ? 'low-power' : 'high-performance',
  };
}
