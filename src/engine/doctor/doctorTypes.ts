// The GPU doctor's report: what GPUs this machine has, which TensorFlow.js backends load (and
// the exact reason when one does not), how long one training step takes on each, and what to do
// about each failure. `finetune doctor --json` prints it; the extension renders it.

import type { BackendName } from '../../protocol/configTypes';
import type { AdapterAttempt } from '../backends/webgpu/findAdapter';

export interface NvidiaGpu {
  name: string;
  memoryMiB: number | null;
  driver: string;
  computeCapability: string;
}

export interface BackendProbe {
  name: BackendName;
  /** Usable for training as configured now. */
  usable: boolean;
  /** Why not, when not usable (the same words the run records). */
  reason: string | null;
  /** The device it runs on, when the backend can tell (the WebGPU adapter). */
  device: string | null;
  /** Median time of one training step of the probe model, in ms (null when it could not run). */
  stepMs: number | null;
  /** Usable only when forced (a software WebGPU adapter): its step time is measured anyway. */
  forcedOnly: boolean;
  /** What to do about it, when something can be done. */
  fix: string | null;
}

export interface DoctorReport {
  schema: 1;
  time: string;
  platform: string;
  arch: string;
  cpus: number;
  runtime: { node: string; modules: string; electron: string | null };
  tfjs: string;
  nvidiaSmi: { status: 'found'; gpus: NvidiaGpu[] } | { status: 'absent' } | { status: 'failed'; error: string };
  vulkanLoader: string | null;
  webgpuAdapters: AdapterAttempt[];
  /** The probe model whose step is timed. */
  probe: string;
  backends: BackendProbe[];
  /** The backend a run would use now (auto order, FINETUNE_BACKEND respected), or null if none. */
  chosen: BackendName | null;
  /** One sentence: why this backend, in particular why the CPU when it is the CPU. */
  summary: string;
}
