// The one call the run makes after choosing its backend: installs the CPU fast paths that apply
// to it (unless FINETUNE_FAST_PATHS=0 turns them off) and returns the names of those in use, for
// run.json's backend record. On wasm: the matMul re-route (wasmMatMulOverride.ts), the embedding
// lookup (wasmGatherKernel.ts) and broadcasting Equal of max gradients (wasmEqualKernel.ts) on the
// wasm heap; on wasm and cpu: the fused bidirectional GRU (fusedBidirectionalGru.ts), which needs
// no installing: FtBidirectionalGru asks fusedGruApplies() at each call, with the same switch, so
// evaluation, prediction and export use it too.

import { fastPathsEnabled, FAST_PATHS_ENV_VAR } from './fastPathsSwitch';
import { activeGruKernel, FUSED_GRU_FAST_PATH, fusedGruApplies } from './fusedBidirectionalGru';
import { gruWasmUnavailableReason } from './wasmGruKernel';
import { activeLstmKernel, FUSED_LSTM_FAST_PATH, fusedLstmApplies } from './fusedLstm';
import { lstmWasmUnavailableReason } from './wasmLstmKernel';
import { disableWasmMatMulOverride, enableWasmMatMulOverride, WASM_MATMUL_FAST_PATH } from './wasmMatMulOverride';
import { wasmGatherOverride } from './wasmGatherKernel';
import { WASM_GEMM_ENV_VAR, wasmGemmEnabled } from './gemmMatMul';
import { gemmWasmUnavailableReason } from './wasmGemmKernel';
import { wasmEqualOverride } from './wasmEqualKernel';
import { installModelFastPaths } from './modelFastPaths';
import { FUSED_CROSS_ENTROPY_FAST_PATH, fusedCrossEntropyApplies } from './fusedCrossEntropy';
import { activeAdamWKernel, FUSED_ADAMW_FAST_PATH, fusedAdamWApplies } from './fusedAdamW';

/** The wasm kernel overrides besides the matMul one, in the order they are recorded. */
export const WASM_KERNEL_OVERRIDES = [wasmGatherOverride, wasmEqualOverride];

export function installFastPaths(backendName: string, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!fastPathsEnabled(env)) {
    disableWasmMatMulOverride();
    for (const o of WASM_KERNEL_OVERRIDES) o.disable();
    installModelFastPaths(backendName, log, env);
    log(`CPU fast paths off (${FAST_PATHS_ENV_VAR}=${env[FAST_PATHS_ENV_VAR] ?? ''})`);
    return [];
  }
  const names: string[] = [];
  if (backendName === 'wasm') {
    const reason = enableWasmMatMulOverride();
    if (reason === null) {
      names.push(WASM_MATMUL_FAST_PATH);
      // Our GEMM (gemmMatMul.ts) where built, else the XNNPACK re-route.
      const why = wasmGemmEnabled() ? gemmWasmUnavailableReason() : `${WASM_GEMM_ENV_VAR}=0`;
      log(`Fast path ${WASM_MATMUL_FAST_PATH}: ${why === null ? 'wasm GEMM kernel' : `XNNPACK re-route (${why})`}`);
    } else log(`Fast path ${WASM_MATMUL_FAST_PATH} not installed: ${reason}`);
    for (const o of WASM_KERNEL_OVERRIDES) {
      const why = o.enable();
      if (why === null) names.push(o.name);
      else log(`Fast path ${o.name} not installed: ${why}`);
    }
  }
  if (fusedGruApplies(backendName, env)) {
    names.push(FUSED_GRU_FAST_PATH);
    const kernel = activeGruKernel(env);
    const why = kernel.name === 'typescript' ? gruWasmUnavailableReason() : null;
    log(`Fast path ${FUSED_GRU_FAST_PATH}: ${kernel.name} kernel${why === null ? '' : ` (${why})`}`);
  }
  // The fused LSTM (fusedLstm.ts): like the GRU, FtLstm / FtBidirectionalLstm ask fusedLstmApplies() at each call.
  if (fusedLstmApplies(backendName, env)) {
    names.push(FUSED_LSTM_FAST_PATH);
    const kernel = activeLstmKernel(env);
    const why = kernel.name === 'typescript' ? lstmWasmUnavailableReason() : null;
    log(`Fast path ${FUSED_LSTM_FAST_PATH}: ${kernel.name} kernel${why === null ? '' : ` (${why})`}`);
  }
  // Transformer paths (modelFastPaths.ts): frozen Dense without weight gradients, shared-memory
  // identity/cast and in-place bias sums on wasm, fused GELU, packed tokens for HF encoders.
  names.push(...installModelFastPaths(backendName, log, env));
  // The fused clip + AdamW step (fusedAdamW.ts): applyStep.ts asks fusedAdamWApplies() at each step.
  if (fusedAdamWApplies(backendName, env)) {
    names.push(FUSED_ADAMW_FAST_PATH);
    const kernel = activeAdamWKernel(backendName, env);
    log(`Fast path ${FUSED_ADAMW_FAST_PATH}: ${kernel.name} kernel${kernel.why === null ? '' : ` (${kernel.why})`}`);
  }
  // The fused cross-entropy loss (fusedCrossEntropy.ts): forward.ts's batchLoss asks at each step.
  if (fusedCrossEntropyApplies(backendName, env)) names.push(FUSED_CROSS_ENTROPY_FAST_PATH);
  return names;
}
