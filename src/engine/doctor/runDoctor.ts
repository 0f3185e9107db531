// Runs the GPU doctor: lists GPUs (nvidia-smi), the Vulkan loader and the WebGPU adapters Dawn
// finds, then tries every backend the way a run would (load, initialize, one-step smoke test),
// times one training step on each that works, and says which one a run would use and why.

import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../protocol/configTypes';
import { BACKEND_ENV_VAR, defaultCandidates, resolvePreferred, tryCandidate } from '../backends/selectBackend';
import { webgpuAttempts } from '../backends/webgpuCandidate';
import { findVulkanLoader } from '../backends/webgpu/vulkanLoader';
import { WEBGPU_ALLOW_SOFTWARE_ENV } from '../backends/webgpu/webgpuSettings';
import type { BackendCandidate } from '../backends/backendCandidate';
import { fixFor } from './backendFixes';
import type { BackendProbe, DoctorReport } from './doctorTypes';
import { queryNvidiaSmi } from './nvidiaSmi';
import { PROBE_MODEL, timeTrainingStep } from './stepTiming';

const GPU_BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'webgpu'];

async function timed(log: (line: string) => void, name: string): Promise<number | null> {
  try {
    return await timeTrainingStep();
  } catch (err) {
    log(`timing on ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

async function probe(candidate: BackendCandidate, electron: string | null, log: (line: string) => void, quick: boolean): Promise<BackendProbe> {
  log(`trying ${candidate.name}…`);
  const reason = await tryCandidate(candidate);
  if (reason === null) {
    return { name: candidate.name, usable: true, reason: null, device: candidate.describe?.() ?? null, stepMs: quick ? null : await timed(log, candidate.name), forcedOnly: false, fix: null };
  }
  const result: BackendProbe = { name: candidate.name, usable: false, reason, device: null, stepMs: null, forcedOnly: false, fix: fixFor(candidate.name, reason, electron) };
  if (!quick && candidate.name === 'webgpu' && /only a software WebGPU adapter/.test(reason)) {
    // Measure what forcing it would give, so the user can judge.
    const saved = process.env[WEBGPU_ALLOW_SOFTWARE_ENV];
    process.env[WEBGPU_ALLOW_SOFTWARE_ENV] = '1';
    try {
      if ((await tryCandidate(candidate)) === null) {
        result.forcedOnly = true;
        result.device = candidate.describe?.() ?? null;
        result.stepMs = await timed(log, candidate.name);
      }
    } finally {
      if (saved === undefined) delete process.env[WEBGPU_ALLOW_SOFTWARE_ENV];
      else process.env[WEBGPU_ALLOW_SOFTWARE_ENV] = saved;
    }
  }
  return result;
}

function summarize(report: Omit<DoctorReport, 'summary'>): string {
  const chosen = report.backends.find((b) => b.name === report.chosen);
  if (chosen === undefined) return 'No backend can train here: see the reasons above.';
  if (GPU_BACKENDS.includes(chosen.name)) {
    const except = chosen.name === 'webgpu' ? ' Under auto, nn-sentiment, the tabular MLP and small Hugging Face encoders (hidden size ≤ 256) still train on the CPU, where they are faster; force the GPU with the backend setting.' : '';
    return `Runs train on the GPU: ${chosen.device ?? 'the GPU'} through the ${chosen.name} backend.${except}`;
  }
  const gpuReasons = report.backends.filter((b) => GPU_BACKENDS.includes(b.name) && !b.usable).map((b) => `${b.name}: ${b.reason ?? 'not usable'}`);
  const seen = report.nvidiaSmi.status === 'found' && report.nvidiaSmi.gpus.length > 0 ? ` nvidia-smi sees ${report.nvidiaSmi.gpus.map((g) => g.name).join(', ')}, but no GPU backend can use it.` : '';
  return `Runs train on the CPU (${chosen.name}) because no GPU backend is usable (${gpuReasons.join('; ')}).${seen}`;
}

export interface DoctorOptions {
  /** Leave out the step timings and the timing of a software adapter (stepMs stays null): a second or two. */
  quick?: boolean;
}

export async function runDoctor(log: (line: string) => void = () => undefined, options: DoctorOptions = {}): Promise<DoctorReport> {
  const quick = options.quick === true;
  const electron = process.versions.electron ?? null;
  const nvidiaSmi = await queryNvidiaSmi();
  const backends: BackendProbe[] = [];
  for (const candidate of defaultCandidates()) backends.push(await probe(candidate, electron, log, quick));
  const preferred = resolvePreferred(null, process.env[BACKEND_ENV_VAR], log);
  const forced = preferred === null ? undefined : backends.find((b) => b.name === preferred && b.usable);
  const chosen = forced ?? backends.find((b) => b.usable);
  if (chosen !== undefined) await tf.setBackend(chosen.name === 'tensorflow-gpu' ? 'tensorflow' : chosen.name);
  const partial = {
    schema: 1 as const,
    time: new Date().toISOString(),
    platform: process.platform,
    arch: process.arch,
    cpus: os.cpus().length,
    runtime: { node: process.versions.node, modules: process.versions.modules, electron },
    tfjs: tf.version.tfjs,
    nvidiaSmi,
    vulkanLoader: findVulkanLoader(),
    webgpuAdapters: [...webgpuAttempts()],
    probe: PROBE_MODEL,
    backends,
    chosen: chosen?.name ?? null,
  };
  return { ...partial, summary: summarize(partial) };
}
