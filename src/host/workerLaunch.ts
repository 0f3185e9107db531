// How a child process of the engine (training worker or CLI) is launched from the extension host:
// VS Code's own runtime as Node by default, or the Node.js of fineTune.nodePath; the backend
// setting becomes FINETUNE_BACKEND, fineTune.allowSoftwareGpu FINETUNE_WEBGPU_ALLOW_SOFTWARE.

import type { WorkerLaunch } from '../worker/workerClient';
import type { TrainingSettings } from './trainingSettings';

export function engineLaunchFor(script: string, settings: Pick<TrainingSettings, 'backend' | 'nodePath' | 'allowSoftwareGpu'>, runtime: string = process.execPath): WorkerLaunch {
  const env: NodeJS.ProcessEnv = {};
  if (settings.backend !== 'auto') env.FINETUNE_BACKEND = settings.backend;
  if (settings.allowSoftwareGpu === true) env.FINETUNE_WEBGPU_ALLOW_SOFTWARE = '1';
  if (settings.nodePath !== '') return { workerScript: script, execPath: settings.nodePath, runAsNode: false, env };
  return { workerScript: script, execPath: runtime, runAsNode: true, env };
}
