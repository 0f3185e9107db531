// The switch for the CPU fast paths: on by default, FINETUNE_FAST_PATHS=0 turns them all off.
// ('0', 'false', 'off', 'no' turn them off; anything else, or unset, leaves them on.)

export const FAST_PATHS_ENV_VAR = 'FINETUNE_FAST_PATHS';

const OFF_VALUES: readonly string[] = ['0', 'false', 'off', 'no'];

/** True unless FINETUNE_FAST_PATHS (in `env`, default process.env) says off. */
export function fastPathsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[FAST_PATHS_ENV_VAR]?.trim().toLowerCase() ?? '';
  return !OFF_VALUES.includes(value);
}
