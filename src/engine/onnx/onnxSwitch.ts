// The switch for the onnxruntime frozen forward: on by default; FINETUNE_ONNX=0 turns it off,
// and so does FINETUNE_FAST_PATHS=0 (the switch of every CPU fast path).
// ('0', 'false', 'off', 'no' turn it off; anything else, or unset, leaves it on.)

import { FAST_PATHS_ENV_VAR, fastPathsEnabled } from '../backends/fastPaths/fastPathsSwitch';

export const ONNX_ENV_VAR = 'FINETUNE_ONNX';

const OFF_VALUES: readonly string[] = ['0', 'false', 'off', 'no'];

/** Null when the onnxruntime path may be used, else why not (one line). */
export function onnxDisabledReason(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env[ONNX_ENV_VAR]?.trim().toLowerCase() ?? '';
  if (OFF_VALUES.includes(value)) return `${ONNX_ENV_VAR}=${env[ONNX_ENV_VAR] ?? ''} turns onnxruntime off`;
  if (!fastPathsEnabled(env)) return `${FAST_PATHS_ENV_VAR}=${env[FAST_PATHS_ENV_VAR] ?? ''} turns the fast paths off`;
  return null;
}

/** The name run.json's backend.fastPaths records when a frozen part ran through onnxruntime. */
export const ONNX_FROZEN_FORWARD_FAST_PATH = 'onnxruntime-frozen-forward';
