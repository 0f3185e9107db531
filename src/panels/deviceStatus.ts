// The setup panel's device line from the GPU doctor's report (`finetune doctor --json --quick`):
// which device a run of the chosen model would train on, and, on the CPU, the short reason why
// not the GPU. Mirrors the run's own choice: the backend order of the doctor, a backend the user
// forced, and the models that train faster on the CPU under auto (webgpuWorth.ts).
// Pure: unit-tested in test/unit/panels/.

import type { BackendName } from '../protocol/configTypes';
import type { DeviceStatus } from '../protocol/setupPanelProtocol';
import type { BackendProbe, DoctorReport } from '../engine/doctor/doctorTypes';
import { webgpuNotWorthIt } from '../engine/backends/webgpuWorth';

const GPU_BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'webgpu'];

/** How each CPU backend is named for people. */
const CPU_NAMES: Readonly<Record<string, string>> = {
  wasm: 'WebAssembly',
  tensorflow: 'TensorFlow C library, tfjs-node',
  cpu: 'plain JavaScript',
};

const MAX_REASON = 140;

/** The gist of a backend's reason: parenthesised details and everything after the first sentence or ';' left out. */
export function shortReason(reason: string): string {
  let text = reason;
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\s*\([^()]*\)/g, '');
  }
  text = text.split(/;\s|\.\s/)[0].replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1).trimEnd()}…` : text;
}

function isSoftware(device: string | null): boolean {
  return device !== null && /software adapter/i.test(device);
}

function gpuText(probe: BackendProbe, report: DoctorReport): string {
  const smi = report.nvidiaSmi.status === 'found' ? report.nvidiaSmi.gpus.map((g) => g.name).join(', ') : '';
  if (probe.name === 'webgpu') {
    // Dawn names an NVIDIA adapter by its PCI id and driver ("nvidia: nvidia-h100-80gb-hbm3, NVIDIA: 580.…"): nvidia-smi's name reads better.
    const name = smi !== '' && /nvidia/i.test(probe.device ?? '') ? smi : (probe.device ?? 'WebGPU adapter');
    return `GPU — ${name} (WebGPU)`;
  }
  return `GPU — ${probe.device ?? (smi || 'CUDA device')} (CUDA through tfjs-node-gpu)`;
}

function cpuText(name: BackendName): string {
  return `CPU (${CPU_NAMES[name] ?? name})`;
}

/** Why no GPU backend is used: the WebGPU reason first (it needs nothing installed), then tfjs-node-gpu's. */
function whyNotGpu(report: DoctorReport): string {
  const order: BackendName[] = ['webgpu', 'tensorflow-gpu'];
  for (const name of order) {
    const probe = report.backends.find((b) => b.name === name);
    if (probe && !probe.usable && probe.reason) return `no GPU backend usable: ${shortReason(probe.reason)}`;
  }
  return 'no GPU backend usable';
}

export interface DeviceContext {
  /** The model the run resolves to ('auto' already replaced by the task's default). */
  model: string;
  /** The backend setting (fineTune.backend): anything but 'auto' is forced, and the doctor honoured it. */
  backendSetting: string;
  /** The model's name for people. */
  modelTitle: string;
}

export function deviceStatusFor(report: DoctorReport, context: DeviceContext): DeviceStatus {
  const chosen = report.backends.find((b) => b.name === report.chosen);
  if (chosen === undefined) return { status: 'failed', reason: shortReason(report.summary) };
  const forced = context.backendSetting !== 'auto';
  if (chosen.name === 'webgpu' && !forced && webgpuNotWorthIt(context.model) !== null) {
    const cpu = report.backends.find((b) => !GPU_BACKENDS.includes(b.name) && b.usable && b.name !== 'tensorflow');
    return {
      status: 'ready',
      kind: 'cpu',
      text: cpuText(cpu?.name ?? 'wasm'),
      reason: `${context.modelTitle} trains faster on the CPU than through WebGPU (many small kernel calls); other models use the GPU (${chosen.device ?? 'WebGPU'})`,
    };
  }
  if (GPU_BACKENDS.includes(chosen.name)) {
    if (isSoftware(chosen.device)) {
      return { status: 'ready', kind: 'cpu', text: `CPU through a software WebGPU adapter — ${chosen.device ?? ''}`.trim(), reason: 'the setting fineTune.allowSoftwareGpu lets WebGPU use it' };
    }
    return { status: 'ready', kind: 'gpu', text: gpuText(chosen, report), reason: null };
  }
  const reason = forced && context.backendSetting === chosen.name ? `the setting fineTune.backend asks for ${chosen.name}` : whyNotGpu(report);
  return { status: 'ready', kind: 'cpu', text: cpuText(chosen.name), reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The doctor's JSON as printed, checked in the parts the device line reads. */
export function parseDoctorReport(json: string): DoctorReport | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.schema !== 1 || typeof value.summary !== 'string' || !Array.isArray(value.backends) || !isRecord(value.nvidiaSmi)) return null;
  if (!(value.chosen === null || typeof value.chosen === 'string')) return null;
  const backendsOk = value.backends.every((b) => isRecord(b) && typeof b.name === 'string' && typeof b.usable === 'boolean' && (b.reason === null || typeof b.reason === 'string') && (b.device === null || typeof b.device === 'string'));
  return backendsOk ? (value as unknown as DoctorReport) : null;
}
