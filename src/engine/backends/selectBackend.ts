// Backend selection: tries each TensorFlow.js backend in the order of DESIGN.md ("Backends") and
// keeps the first that loads and passes a one-step smoke test (forward, backward, optimizer step).
//
//   1. tensorflow-gpu  @tensorflow/tfjs-node-gpu, only if it really runs on a GPU device
//   2. webgpu          Dawn (npm webgpu) + @tensorflow/tfjs-backend-webgpu, hardware adapters only
//                      unless FINETUNE_WEBGPU_ALLOW_SOFTWARE=1 (see webgpu/webgpuSettings.ts)
//   3. tensorflow      @tensorflow/tfjs-node (or tfjs-node-gpu without a GPU)
//   4. wasm            @tensorflow/tfjs-backend-wasm
//   5. cpu             pure JavaScript
//
// A preferred backend (forced by the user in the run configuration) is tried first; if it cannot
// be used, that is logged and recorded and the others are tried in order.
//
// The environment variable FINETUNE_BACKEND forces a backend too, and takes precedence over the
// configuration: set it to one of tensorflow-gpu, webgpu, tensorflow, wasm, cpu (e.g.
// FINETUNE_BACKEND=cpu for tests or to work around a broken backend). Empty or 'auto' means no
// forcing; any other value is logged and ignored.

import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../protocol/configTypes';
import type { BackendChoice } from '../../protocol/runTypes';
import type { BackendCandidate } from './backendCandidate';
import { cpuCandidate, wasmCandidate } from './jsCandidates';
import { errorLine } from './optionalPackage';
import { runSmokeTest } from './smokeTest';
import { applyTfjsFlags, TFJS_FLAGS_ENV } from './tfjsFlags';
import { tensorflowCpuCandidate, tensorflowGpuCandidate } from './tensorflowCandidates';
import { webgpuCandidate } from './webgpuCandidate';

export const BACKEND_ENV_VAR = 'FINETUNE_BACKEND';

const BACKEND_NAMES: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/** The candidates in the order they are tried. */
export function defaultCandidates(): BackendCandidate[] {
  return [tensorflowGpuCandidate(), webgpuCandidate(), tensorflowCpuCandidate(), wasmCandidate(), cpuCandidate()];
}

/** The backend to try first: FINETUNE_BACKEND if set and valid, else `preferred`. */
export function resolvePreferred(
  preferred: BackendName | null,
  envValue: string | undefined,
  log: (line: string) => void,
): BackendName | null {
  const value = envValue?.trim() ?? '';
  if (value === '' || value === 'auto') return preferred;
  if (isBackendName(value)) {
    log(`${BACKEND_ENV_VAR}=${value} forces the backend${preferred !== null && preferred !== value ? ` (instead of '${preferred}' from the configuration)` : ''}`);
    return value;
  }
  log(`Ignoring ${BACKEND_ENV_VAR}=${value}: expected one of ${BACKEND_NAMES.join(', ')} or auto`);
  return preferred;
}

/** Prepares, activates and smoke-tests one candidate: null when usable, else why not. */
export async function tryCandidate(candidate: BackendCandidate): Promise<string | null> {
  try {
    const notReady = await candidate.prepare();
    if (notReady !== null) return notReady;
    if (!(await tf.setBackend(candidate.tfjsName))) return `the '${candidate.tfjsName}' backend failed to initialize`;
    await tf.ready();
    const problem = candidate.check?.() ?? null;
    if (problem !== null) return problem;
  } catch (err) {
    return errorLine(err);
  }
  return await runSmokeTest();
}

/** Tries `candidates` (the preferred one first) and keeps the first usable one. */
export async function selectFrom(
  candidates: readonly BackendCandidate[],
  preferred: BackendName | null,
  log: (line: string) => void,
): Promise<BackendChoice> {
  const skipped: BackendChoice['skipped'] = [];
  const first = preferred === null ? undefined : candidates.find((c) => c.name === preferred);
  if (preferred !== null && first === undefined) {
    log(`Requested backend '${preferred}' is not available in this build; trying the others in order`);
    skipped.push({ name: preferred, reason: 'requested, but not available in this build' });
  }
  const order = first === undefined ? [...candidates] : [first, ...candidates.filter((c) => c !== first)];
  for (const candidate of order) {
    const started = Date.now();
    const reason = await tryCandidate(candidate);
    if (reason === null) {
      for (const line of applyTfjsFlags(process.env[TFJS_FLAGS_ENV])) log(line);
      const device = candidate.describe?.() ?? null;
      log(`Backend '${candidate.name}' passed its smoke test in ${Date.now() - started} ms; using it${device === null ? '' : ` on ${device}`}`);
      return device === null ? { name: candidate.name, skipped } : { name: candidate.name, skipped, device };
    }
    if (candidate === first) {
      log(`Requested backend '${candidate.name}' cannot be used: ${reason}; trying the others in order`);
      skipped.push({ name: candidate.name, reason: `requested, but ${reason}` });
    } else {
      log(`Backend '${candidate.name}' skipped: ${reason}`);
      skipped.push({ name: candidate.name, reason });
    }
  }
  throw new Error(`No TensorFlow.js backend is usable: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/**
 * Chooses the backend for a run and makes it the current TensorFlow.js backend. `preferred` is
 * the configuration's forced backend (null = try in order); FINETUNE_BACKEND overrides it.
 */
export async function selectBackend(preferred: BackendName | null, log: (line: string) => void): Promise<BackendChoice> {
  const first = resolvePreferred(preferred, process.env[BACKEND_ENV_VAR], log);
  return selectFrom(defaultCandidates(), first, log);
}
