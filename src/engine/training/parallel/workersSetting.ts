// Whether a run may train on several cores, before anything is timed: the config's `workers`
// ('auto' or a count; 0 and 1 mean one thread), the environment variable FINETUNE_WORKERS (0/1 =
// off, N = force N shards, auto), the CPU fast-path switch (FINETUNE_FAST_PATHS=0 turns this off
// too), the backend (wasm and cpu only), the model (batch normalization needs the whole batch's
// statistics, so such models stay on one thread), the cores and the batch size. 'auto' then
// times steps both ways (parallelTraining.ts); a forced count is used as given.

import * as tf from '@tensorflow/tfjs';
import { fastPathsEnabled, FAST_PATHS_ENV_VAR } from '../../backends/fastPaths/fastPathsSwitch';
import type { ModelPair } from '../forward';
import { trainingDependence } from '../frozenPrefixGraph';
import { replicaBytes } from './replicaModels';

export const WORKERS_ENV_VAR = 'FINETUNE_WORKERS';

/** Rows each shard gets at least before 'auto' considers splitting a batch. */
export const MIN_ROWS_PER_SHARD = 16;
/** The most shards 'auto' uses (each worker thread holds a model replica). */
export const MAX_AUTO_SHARDS = 8;

export type WorkersSetting = 'auto' | number;

export type WorkersRequest =
  | { mode: 'off'; requested: WorkersSetting; reason: string }
  | { mode: 'auto' | 'forced'; requested: WorkersSetting; shards: number; reason: string };

export interface WorkersContext {
  setting: WorkersSetting | undefined;
  env: NodeJS.ProcessEnv;
  backend: string;
  cores: number;
  batchSize: number;
  models: ModelPair;
  throughBase: boolean;
  /** Bytes of free memory (os.freemem()): 'auto' keeps the replicas within half of it. */
  freeMemory: number;
}

/** A replica's memory in use during a step, as a multiple of its weights (weights, gradients, activations). */
const REPLICA_FOOTPRINT = 4;

function parseSetting(value: string): WorkersSetting | null {
  const v = value.trim().toLowerCase();
  if (v === 'auto') return 'auto';
  if (/^\d+$/.test(v)) return Number(v);
  return null;
}

/** The nested layers of a container layer (a nested model), or null for a plain layer. */
function nestedLayers(layer: tf.layers.Layer): tf.layers.Layer[] | null {
  return 'layers' in layer && Array.isArray(layer.layers) ? (layer.layers as tf.layers.Layer[]) : null;
}

/** The first non-null answer of `ask` over the model's plain layers, nested models' layers included. */
function firstInLayers(model: tf.LayersModel, ask: (layer: tf.layers.Layer) => string | null): string | null {
  const visit = (layers: readonly tf.layers.Layer[]): string | null => {
    for (const l of layers) {
      const nested = nestedLayers(l);
      const answer = nested !== null ? visit(nested) : ask(l);
      if (answer !== null) return answer;
    }
    return null;
  };
  return visit(model.layers);
}

/** True when a layer of the model (or of a nested model) is a BatchNormalization. */
export function hasBatchNormalization(model: tf.LayersModel): boolean {
  return firstInLayers(model, (l) => (l.getClassName() === 'BatchNormalization' ? l.name : null)) !== null;
}

/** Why the model computes differently in training (an active dropout, or a layer not known to be deterministic), or null. */
export function trainingRandomness(model: tf.LayersModel): string | null {
  return firstInLayers(model, trainingDependence);
}

export function resolveWorkers(ctx: WorkersContext): WorkersRequest {
  let requested: WorkersSetting = ctx.setting ?? 'auto';
  let source = ctx.setting === undefined ? 'default' : 'config';
  const envValue = ctx.env[WORKERS_ENV_VAR]?.trim() ?? '';
  if (envValue !== '') {
    const parsed = parseSetting(envValue);
    if (parsed !== null) {
      requested = parsed;
      source = `${WORKERS_ENV_VAR}=${envValue}`;
    }
  }
  const off = (reason: string): WorkersRequest => ({ mode: 'off', requested, reason });
  if (!fastPathsEnabled(ctx.env)) return off(`${FAST_PATHS_ENV_VAR}=${ctx.env[FAST_PATHS_ENV_VAR]} turns the CPU fast paths off`);
  if (requested !== 'auto' && requested <= 1) return off(`${source} asks for one thread`);
  if (ctx.backend !== 'wasm' && ctx.backend !== 'cpu') return off(`the ${ctx.backend} backend computes in parallel itself (worker threads serve wasm and cpu)`);
  const inTraining = ctx.throughBase ? [ctx.models.base, ctx.models.head] : [ctx.models.head];
  if (inTraining.some(hasBatchNormalization)) return off('the model has BatchNormalization layers, whose statistics need the whole batch');
  if (requested !== 'auto') return { mode: 'forced', requested, shards: requested, reason: `${source} forces ${requested}` };
  if (ctx.env.FINETUNE_TEST === '1') return off('auto is off under the unit tests (FINETUNE_TEST=1); force a count to test it');
  // auto keeps a run reproducible: its choice depends on timing, and shards draw their own masks.
  const random = inTraining.map(trainingRandomness).find((r) => r !== null) ?? null;
  if (random !== null) {
    return off(`${random}: each thread would draw its own dropout masks, so the results would depend on the timing auto decides by (force a count, e.g. ${WORKERS_ENV_VAR}=2, to use threads anyway)`);
  }
  if (ctx.cores < 2) return off(`${ctx.cores} core available`);
  if (ctx.batchSize < 2 * MIN_ROWS_PER_SHARD) return off(`batch ${ctx.batchSize} < ${2 * MIN_ROWS_PER_SHARD} rows (${MIN_ROWS_PER_SHARD} per shard at least)`);
  const byMemory = 1 + Math.floor((ctx.freeMemory / 2) / Math.max(1, REPLICA_FOOTPRINT * replicaBytes(ctx.models)));
  if (byMemory < 2) return off(`a model replica (${(replicaBytes(ctx.models) / 2 ** 20).toFixed(0)} MB of weights) would not fit in half the free memory`);
  const shards = Math.min(ctx.cores, MAX_AUTO_SHARDS, Math.floor(ctx.batchSize / MIN_ROWS_PER_SHARD), byMemory);
  return { mode: 'auto', requested, shards, reason: `${ctx.cores} cores, batch ${ctx.batchSize}` };
}
