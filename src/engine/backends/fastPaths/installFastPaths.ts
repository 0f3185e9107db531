// The one call the run makes after choosing its backend: installs the CPU fast paths that apply
// to it (unless FINETUNE_FAST_PATHS=0 turns them off) and returns the names of those in use, for
// run.json's backend record. Today: the wasm matMul re-route (wasmMatMulOverride.ts).

import { fastPathsEnabled, FAST_PATHS_ENV_VAR } from './fastPathsSwitch';
import { disableWasmMatMulOverride, enableWasmMatMulOverride, WASM_MATMUL_FAST_PATH } from './wasmMatMulOverride';

export function installFastPaths(backendName: string, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!fastPathsEnabled(env)) {
    disableWasmMatMulOverride();
    log(`CPU fast paths off (${FAST_PATHS_ENV_VAR}=${env[FAST_PATHS_ENV_VAR] ?? ''})`);
    return [];
  }
  if (backendName !== 'wasm') return [];
  const reason = enableWasmMatMulOverride();
  if (reason !== null) {
    log(`Fast path ${WASM_MATMUL_FAST_PATH} not installed: ${reason}`);
    return [];
  }
  return [WASM_MATMUL_FAST_PATH];
}
