// The fineTune.* settings the host acts on, read and checked in one place.

import * as vscode from 'vscode';
import type { BackendName, TechniqueName } from '../protocol/configTypes';
import type { ModelZooSettings } from './modelZooSettings';

export type BackendSetting = 'auto' | BackendName;

export interface TrainingSettings {
  /** Backend forced for every worker (FINETUNE_BACKEND), or 'auto'. */
  backend: BackendSetting;
  /** How many runs train at once (1–16). */
  concurrentRuns: number;
  /** A Node.js executable for workers; '' = VS Code's own runtime. */
  nodePath: string;
  defaultTechnique: TechniqueName;
  /** Let WebGPU use a software adapter (FINETUNE_WEBGPU_ALLOW_SOFTWARE=1); off: such adapters are refused. */
  allowSoftwareGpu?: boolean;
  /** The CPU fast paths (fused recurrent ops, wasm kernels); false sets FINETUNE_FAST_PATHS=0 for workers and CLI children. Default true. */
  fastPaths?: boolean;
  /** Training threads on the CPU backends: 0 = automatic (FINETUNE_WORKERS unset), 1 = one thread, N = N shards (FINETUNE_WORKERS=N). Default 0. */
  cpuThreads?: number;
  /** The model cache, mirror and offline mode (FINETUNE_CACHE, FINETUNE_MODEL_MIRROR, FINETUNE_OFFLINE); set by the composition root. */
  zoo?: ModelZooSettings;
}

const BACKENDS: readonly BackendSetting[] = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];
const TECHNIQUES: readonly TechniqueName[] = ['lora', 'features', 'adapter', 'full'];
const MAX_CONCURRENT = 16;
const MAX_CPU_THREADS = 64;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** A whole number in [0, max] (0 for anything else). */
function wholeNumber(value: unknown, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max ? value : 0;
}

/** Settings from raw values (as `WorkspaceConfiguration.get` returns them); bad values fall back to defaults. */
export function parseTrainingSettings(get: (key: string) => unknown): TrainingSettings {
  const concurrent = get('concurrentRuns');
  return {
    backend: oneOf(get('backend'), BACKENDS, 'auto'),
    concurrentRuns:
      typeof concurrent === 'number' && Number.isFinite(concurrent) ? Math.min(MAX_CONCURRENT, Math.max(1, Math.floor(concurrent))) : 1,
    nodePath: typeof get('nodePath') === 'string' ? String(get('nodePath')).trim() : '',
    defaultTechnique: oneOf(get('defaultTechnique'), TECHNIQUES, 'lora'),
    allowSoftwareGpu: get('allowSoftwareGpu') === true,
    fastPaths: get('fastPaths') !== false,
    cpuThreads: wholeNumber(get('cpuThreads'), MAX_CPU_THREADS),
  };
}

export function readTrainingSettings(): TrainingSettings {
  const config = vscode.workspace.getConfiguration('fineTune');
  return parseTrainingSettings((key) => config.get(key));
}
