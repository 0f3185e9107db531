// Typed messages between a parent (extension host or CLI) and the training worker process.
// Going up to the worker: imperative (`run/start`, `run/stop`). Coming down: past tense.
// This file imports only other protocol files.

import type { TechniqueName, TrainConfig } from './configTypes';
import { isTrainConfig } from './configGuards';
import type { BackendChoice, Evaluation, MetricEvent, RunProgress } from './runTypes';

/** Parameter counts of the models a run with a given config would train (answer to model/describe). */
export interface ModelDescription {
  totalParams: number;
  /** The weights the optimizer updates (features with cached outputs: the head only). */
  trainableParams: number;
  technique: TechniqueName;
  /** The model resolved as a run resolves it ('auto' becomes the task's default). */
  model: string;
}

/** Progress of the base model's download at the start of a run, one file of the model at a time. */
export interface ModelDownloadProgress {
  /** The catalog or Hugging Face id being downloaded. */
  model: string;
  file: string;
  /** 0-based index of the file among the model's files, and their count. */
  fileIndex: number;
  fileCount: number;
  /** Bytes of the file on disk so far (resumed bytes included). */
  bytes: number;
  /** Size of the file, when the server said it. */
  total: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
  /** True on the last report of the file. */
  done: boolean;
}

/** Parent → worker. */
export type ParentMessage =
  | { type: 'run/start'; payload: { runsDir: string; runId: string; resume: boolean; extraEpochs: number } }
  | { type: 'run/stop'; payload: { reason: string } }
  /** Build the models exactly as a run with this config would, count their parameters, answer, exit. */
  | { type: 'model/describe'; payload: { config: TrainConfig } };

/** Worker → parent. */
export type WorkerMessage =
  | { type: 'worker/ready'; payload: { pid: number } }
  | { type: 'run/started'; payload: { runId: string; backend: BackendChoice; totalParams: number; trainableParams: number } }
  | { type: 'run/progressed'; payload: RunProgress & { loss: number; examplesPerSecond: number; etaSeconds: number | null; phase: string } }
  | { type: 'run/metricsAppended'; payload: { events: MetricEvent[] } }
  | { type: 'run/checkpointSaved'; payload: { name: string; isBest: boolean; epoch: number; step: number } }
  | { type: 'run/evaluated'; payload: { evaluation: Evaluation } }
  | { type: 'worker/logged'; payload: { level: 'info' | 'warn' | 'error'; message: string } }
  /** The run's base model is being downloaded (before training starts). */
  | { type: 'model/downloadProgressed'; payload: ModelDownloadProgress }
  | { type: 'run/finished'; payload: { status: 'completed' | 'stopped'; reason: string | null } }
  | { type: 'run/failed'; payload: { reason: string; detail: string | null } }
  | { type: 'worker/exited'; payload: { code: number; reason: string | null } }
  | { type: 'model/described'; payload: ModelDescription }
  | { type: 'model/describeFailed'; payload: { reason: string } };

const parentTypes = new Set(['run/start', 'run/stop', 'model/describe']);
const workerTypes = new Set([
  'worker/ready',
  'run/started',
  'run/progressed',
  'run/metricsAppended',
  'run/checkpointSaved',
  'run/evaluated',
  'worker/logged',
  'model/downloadProgressed',
  'run/finished',
  'run/failed',
  'worker/exited',
  'model/described',
  'model/describeFailed',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the envelope and, for run/start and model/describe, the payload fields; anything else is ignored by the worker. */
export function isParentMessage(value: unknown): value is ParentMessage {
  if (!isRecord(value) || typeof value.type !== 'string' || !parentTypes.has(value.type)) return false;
  const p = value.payload;
  if (!isRecord(p)) return false;
  if (value.type === 'run/start') {
    return (
      typeof p.runsDir === 'string' &&
      typeof p.runId === 'string' &&
      typeof p.resume === 'boolean' &&
      typeof p.extraEpochs === 'number'
    );
  }
  if (value.type === 'model/describe') return isTrainConfig(p.config);
  return typeof p.reason === 'string';
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return isRecord(value) && typeof value.type === 'string' && workerTypes.has(value.type) && isRecord(value.payload);
}
