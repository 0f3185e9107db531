// The small part of the WebGPU API (as Dawn's Node bindings, npm `webgpu`, provide it) that the
// engine touches directly. Declared here so the engine does not pull WebGPU's global DOM types
// into its compilation; TensorFlow.js's WebGPU backend uses the full API itself.

export interface DawnAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}

export interface DawnLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxStorageBuffersPerShaderStage: number;
  maxBindingsPerBindGroup?: number;
}

export interface DawnErrorEvent {
  error: { message: string; constructor: { name: string } };
}

export interface DawnDevice {
  readonly limits: DawnLimits;
  readonly lost: Promise<{ reason: string; message: string }>;
  onuncapturederror: ((event: DawnErrorEvent) => void) | null;
  destroy(): void;
}

export interface DawnAdapter {
  readonly info: DawnAdapterInfo;
  readonly features: { has(name: string): boolean };
  readonly limits: DawnLimits;
  requestDevice(descriptor?: { requiredFeatures?: string[]; requiredLimits?: Record<string, number> }): Promise<DawnDevice>;
}

export interface DawnGpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power'; featureLevel?: 'core' | 'compatibility' }): Promise<DawnAdapter | null>;
}

export interface DawnModule {
  create(flags: string[]): DawnGpu;
  /** GPUBufferUsage, GPUMapMode, GPUTextureUsage, … : TensorFlow.js's WebGPU backend reads them as globals. */
  globals: Record<string, unknown>;
}
