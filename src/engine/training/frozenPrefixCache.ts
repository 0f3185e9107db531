// Frozen-prefix caching: when LoRA or adapters train only upper layers of the base, the frozen
// layers below them compute the same for an example at every step. The run computes their
// output once per example (the prefix), keeps it in memory per split, and each step runs only
// the upper part from that cache (the features technique does the same for the whole base).
// Results do not change: in 'auto' the cut is placed where the prefix computes the same in
// training and inference (frozenPrefixGraph.ts), and the upper part re-uses the base's layers
// and weights (frozenPrefixModels.ts), so checkpoints, optimizer names and exports are as
// without the cache. This file decides whether and where to cache, with one log line saying so.

import * as os from 'node:os';
import type * as tf from '@tensorflow/tfjs';
import type { FrozenPrefixCacheMode, TechniqueName } from '../../protocol/configTypes';
import { fastPathsEnabled, FAST_PATHS_ENV_VAR } from '../backends/fastPaths/fastPathsSwitch';
import { findPrefixCut, type PrefixCut } from './frozenPrefixGraph';
import { buildPrefixModels, type PrefixModels } from './frozenPrefixModels';

/** The name recorded in run.json's backend.fastPaths when a run trains from a cached prefix. */
export const FROZEN_PREFIX_FAST_PATH = 'frozen-prefix-cache';

/** Turns the cache off alone (0/off/false/no), as FINETUNE_FAST_PATHS=0 does with every fast path. */
export const FROZEN_PREFIX_ENV_VAR = 'FINETUNE_FROZEN_PREFIX_CACHE';

/** The most memory the cache may take: 1 GiB, or a quarter of the machine's memory when that is less. */
export function defaultCacheBudgetBytes(): number {
  return Math.min(1024 ** 3, Math.floor(os.totalmem() / 4));
}

/** Layers that only look values up or move them: a prefix made of these alone costs a step less than reading its cache. */
const LOOKUP_ONLY = new Set(['InputLayer', 'Embedding', 'Reshape', 'Flatten', 'Permute']);

export interface FrozenPrefixPlan extends PrefixModels {
  cut: PrefixCut;
  mode: 'auto' | 'inference';
  /** Bytes the cache takes per example (float32). */
  bytesPerRow: number;
  /** Bytes of the whole cache for the rows planned. */
  bytes: number;
}

export interface PlanInput {
  base: tf.LayersModel;
  technique: TechniqueName;
  /** The run's setting; absent = 'auto'. */
  mode: FrozenPrefixCacheMode | undefined;
  /** Examples whose prefix outputs would be cached (train + validation). */
  rows: number;
  budgetBytes?: number;
  env?: NodeJS.ProcessEnv;
}

export interface PlanResult {
  plan: FrozenPrefixPlan | null;
  /** One line for the run log, or null when there is nothing worth saying (e.g. full fine-tuning). */
  line: string | null;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Decides whether the run trains from a cached frozen prefix, and builds the two models when it does. */
export function planFrozenPrefix(input: PlanInput): PlanResult {
  const mode = input.mode ?? 'auto';
  if (input.technique !== 'lora' && input.technique !== 'adapter') return { plan: null, line: null };
  if (mode === 'off') return { plan: null, line: 'frozen-prefix cache off (frozenPrefixCache: off)' };
  if (!fastPathsEnabled(input.env)) return { plan: null, line: `frozen-prefix cache off (${FAST_PATHS_ENV_VAR}=0)` };
  const own = (input.env ?? process.env)[FROZEN_PREFIX_ENV_VAR]?.trim().toLowerCase();
  if (own !== undefined && ['0', 'off', 'false', 'no'].includes(own)) return { plan: null, line: `frozen-prefix cache off (${FROZEN_PREFIX_ENV_VAR}=${own})` };
  const found = findPrefixCut(input.base, mode);
  if (found.kind === 'none') {
    const optIn = /training|not known/.test(found.reason) && mode === 'auto' ? "; frozenPrefixCache 'inference' caches it run in inference mode" : '';
    return { plan: null, line: `frozen-prefix cache not used: ${found.reason}${optIn}` };
  }
  const { cut } = found;
  const computing = cut.prefix.filter((c) => !LOOKUP_ONLY.has(c.layer.getClassName()));
  if (computing.length === 0) {
    return { plan: null, line: `frozen-prefix cache not used: the frozen part below the trainable layers is only a lookup (up to '${cut.lastLayer}'); caching it would save nothing` };
  }
  const dims = cut.tensor.shape.slice(1);
  if (dims.some((d) => d === null)) {
    return { plan: null, line: `frozen-prefix cache not used: the output of '${cut.lastLayer}' has an unknown size [${dims.map((d) => d ?? '?').join(', ')}]` };
  }
  const bytesPerRow = 4 * (dims as number[]).reduce((a, b) => a * b, 1);
  const bytes = bytesPerRow * input.rows;
  const budget = input.budgetBytes ?? defaultCacheBudgetBytes();
  if (bytes > budget) {
    return {
      plan: null,
      line:
        `frozen-prefix cache not used: caching the output of '${cut.lastLayer}' for ${input.rows} examples takes ${formatBytes(bytes)}, ` +
        `more than its budget of ${formatBytes(budget)}; every step runs the whole base. To cache, train on fewer rows, ` +
        `or use the features technique (caches only the base's final features).`,
    };
  }
  const models = buildPrefixModels(input.base, cut);
  const frozen = cut.prefix.filter((c) => c.layer.getClassName() !== 'InputLayer').length;
  const how = mode === 'inference' && cut.trainingDependence !== null ? `, run in inference mode (${cut.trainingDependence})` : '';
  const lowered = found.lowered === null ? '' : ` (${found.lowered})`;
  return {
    plan: { ...models, cut, mode, bytesPerRow, bytes },
    line:
      `frozen-prefix cache: ${frozen} frozen layer${frozen === 1 ? '' : 's'} up to '${cut.lastLayer}' computed once per example${how}${lowered}; ` +
      `cache [${input.rows}, ${dims.join(', ')}] = ${formatBytes(bytes)}`,
  };
}

/** Undoes what building the plan's models did to the base's layers (call before disposing the base). */
export function disposePlan(plan: FrozenPrefixPlan): void {
  // The upper model's construction re-applied the base's layers (raising their reference counts);
  // disposing it gives those back. The prefix model added none: it is not disposed.
  plan.upper.dispose();
}
