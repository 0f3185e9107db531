// How a child process of the engine (training worker or CLI) is launched from the extension host:
// VS Code's own runtime as Node by default, or the Node.js of fineTune.nodePath; the backend
// setting becomes FINETUNE_BACKEND, fineTune.allowSoftwareGpu FINETUNE_WEBGPU_ALLOW_SOFTWARE, the
// model cache / mirror / offline settings FINETUNE_CACHE / FINETUNE_MODEL_MIRROR / FINETUNE_OFFLINE,
// fineTune.fastPaths off FINETUNE_FAST_PATHS=0 (on leaves the variable as the host has it), and
// fineTune.cpuThreads N ≥ 1 FINETUNE_WORKERS=N (0, automatic, leaves it as the host has it).

import { FAST_PATHS_ENV_VAR } from '../engine/backends/fastPaths/fastPathsSwitch';
import { WORKERS_ENV_VAR } from '../engine/training/parallel/workersSetting';
import type { WorkerLaunch } from '../worker/workerClient';
import type { TrainingSettings } from './trainingSettings';
import { zooEnvironment } from './modelZooSettings';

export function engineLaunchFor(script: string, settings: Pick<TrainingSettings, 'backend' | 'nodePath' | 'allowSoftwareGpu' | 'fastPaths' | 'cpuThreads' | 'zoo'>, runtime: string = process.execPath): WorkerLaunch {
  const env: NodeJS.ProcessEnv = {};
  if (settings.backend !== 'auto') env.FINETUNE_BACKEND = settings.backend;
  if (settings.allowSoftwareGpu === true) env.FINETUNE_WEBGPU_ALLOW_SOFTWARE = '1';
  if (settings.fastPaths === false) env[FAST_PATHS_ENV_VAR] = '0';
  if (settings.cpuThreads !== undefined && settings.cpuThreads >= 1) env[WORKERS_ENV_VAR] = String(settings.cpuThreads);
  if (settings.zoo) Object.assign(env, zooEnvironment(settings.zoo));
  if (settings.nodePath !== '') return { workerScript: script, execPath: settings.nodePath, runAsNode: false, env };
  return { workerScript: script, execPath: runtime, runAsNode: true, env };
}
