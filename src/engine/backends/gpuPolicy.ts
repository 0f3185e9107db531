// When the automatic backend choice lands on WebGPU but the run's model is one that is measured to
// train faster on the CPU, the run uses the CPU instead and says why. Through WebGPU from Node
// every TensorFlow.js kernel call costs about 0.1 ms whatever its size (README, "Proof on a real
// GPU": an H100): models of large matrix products gain, small or recurrent ones lose. A backend the
// user forces (setting, --backend, FINETUNE_BACKEND) is always used as asked.

import type { BackendName } from '../../protocol/configTypes';
import type { BackendChoice } from '../../protocol/runTypes';
import { cpuCandidate, wasmCandidate } from './jsCandidates';
import { BACKEND_ENV_VAR, resolvePreferred, selectFrom } from './selectBackend';
import { webgpuNotWorthIt } from './webgpuWorth';

// The table of such models lives in webgpuWorth.ts (no TensorFlow.js: the extension host reads it).
export { webgpuNotWorthIt };

function forcedBackend(configured: BackendName | null): boolean {
  return resolvePreferred(configured, process.env[BACKEND_ENV_VAR], () => undefined) !== null;
}

/**
 * The backend to keep for this model: `choice` unless it is an automatically chosen WebGPU and the
 * model is slower there, in which case the CPU backends are tried and WebGPU is recorded as skipped.
 */
export async function adjustForModel(
  choice: BackendChoice,
  configured: BackendName | null,
  model: string,
  log: (line: string) => void,
): Promise<BackendChoice> {
  if (choice.name !== 'webgpu' || forcedBackend(configured)) return choice;
  const why = webgpuNotWorthIt(model);
  if (why === null) return choice;
  log(`WebGPU works here${choice.device === undefined ? '' : ` (${choice.device})`}, but ${model} trains faster on the CPU: ${why}. Force the GPU with the backend setting (--backend webgpu).`);
  const cpu = await selectFrom([wasmCandidate(), cpuCandidate()], null, log);
  const reason = `usable${choice.device === undefined ? '' : ` on ${choice.device}`}, but not chosen for ${model}: ${why}; force it with backend webgpu`;
  return { ...cpu, skipped: [...choice.skipped, { name: 'webgpu', reason }, ...cpu.skipped] };
}
