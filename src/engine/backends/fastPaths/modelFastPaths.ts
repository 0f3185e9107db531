// The fast paths for training Layers models on the CPU (the Hugging Face encoders foremost, any
// model where they apply), installed and removed together:
//   frozen-dense-input-grad-only  frozenDense.ts: frozen Dense layers compute no weight gradients
//                                 (every backend: it only changes which tfjs ops run);
//   wasm-shared-identity,         wasmSharedIdentity.ts: Identity and same-dtype Cast share memory
//   wasm-shared-cast              instead of copying (every tensor saved for a gradient is cloned);
//   wasm-leading-axes-sum         wasmSumKernel.ts: bias gradients without a transpose;
//   fused-gelu                    fusedGelu.ts: GELU in one kernel forward and one backward
//                                 (wasm: only with the wasm SIMD kernel built; cpu: TypeScript);
//   hf-packed-tokens              packedTokens.ts, src/engine/models/hf/hfPacking.ts: Hugging Face
//                                 encoders compute only the real tokens of a padded batch
//                                 (wasm and cpu);
//   fused-attention               fusedSelfAttention.ts: HfSelfAttention as one op with a hand-written
//                                 gradient (cpu; wasm only with the wasm SIMD kernel built, and
//                                 only for small attentions, where it measured faster).
// installModelFastPaths is meant to be called by installFastPaths (which owns the run's record):
// with the fast paths off (FINETUNE_FAST_PATHS=0) it removes them all and returns no names.

import { IN_PROCESS_BACKENDS } from './cpuKernelIo';
import { fastPathsEnabled } from './fastPathsSwitch';
import { disableFrozenDense, enableFrozenDense, FROZEN_DENSE_FAST_PATH } from './frozenDense';
import { disablePackedTokens, enablePackedTokens, PACKED_TOKENS_FAST_PATH } from './packedTokens';
import { disableFusedGelu, enableFusedGelu, FUSED_GELU_FAST_PATH, fusedGeluUnavailableReason } from './fusedGelu';
import { wasmSharedCastOverride, wasmSharedIdentityOverride } from './wasmSharedIdentity';
import { wasmSumOverride } from './wasmSumKernel';
import type { WasmKernelOverride } from './wasmKernelOverride';
import { disableFusedAttention, enableFusedAttention, FUSED_ATTENTION_FAST_PATH, fusedAttentionUnavailableReason } from './fusedSelfAttention';

/** The wasm kernel overrides of this module, in the order they are recorded. */
export const MODEL_WASM_OVERRIDES: readonly WasmKernelOverride[] = [wasmSharedIdentityOverride, wasmSharedCastOverride, wasmSumOverride];

/** Turns every fast path of this module off. */
export function disableModelFastPaths(): void {
  disableFrozenDense();
  disableFusedGelu();
  disablePackedTokens();
  disableFusedAttention();
  for (const o of MODEL_WASM_OVERRIDES) o.disable();
}

/** Installs the fast paths that apply to `backendName`; returns the names of those in use. */
export function installModelFastPaths(backendName: string, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!fastPathsEnabled(env)) {
    disableModelFastPaths();
    return [];
  }
  const names: string[] = [];
  const dense = enableFrozenDense();
  if (dense === null) names.push(FROZEN_DENSE_FAST_PATH);
  else log(`Fast path ${FROZEN_DENSE_FAST_PATH} not installed: ${dense}`);
  if (backendName === 'wasm') {
    for (const o of MODEL_WASM_OVERRIDES) {
      const why = o.enable();
      if (why === null) names.push(o.name);
      else log(`Fast path ${o.name} not installed: ${why}`);
    }
  }
  const unavailable = fusedGeluUnavailableReason(backendName);
  if (unavailable === null) {
    const why = enableFusedGelu();
    if (why === null) names.push(FUSED_GELU_FAST_PATH);
    else log(`Fast path ${FUSED_GELU_FAST_PATH} not installed: ${why}`);
  } else {
    disableFusedGelu();
    if (backendName === 'wasm') log(`Fast path ${FUSED_GELU_FAST_PATH} not installed: ${unavailable}`);
  }
  if (IN_PROCESS_BACKENDS.includes(backendName)) {
    enablePackedTokens();
    names.push(PACKED_TOKENS_FAST_PATH);
  } else disablePackedTokens();
  const attention = fusedAttentionUnavailableReason(backendName, env);
  if (attention === null) {
    enableFusedAttention();
    names.push(FUSED_ATTENTION_FAST_PATH);
  } else {
    disableFusedAttention();
    if (backendName === 'wasm') log(`Fast path ${FUSED_ATTENTION_FAST_PATH} not installed: ${attention}`);
  }
  return names;
}
