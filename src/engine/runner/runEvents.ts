// What a run reports while it executes; the worker turns these into protocol messages.

import type { BackendChoice, Evaluation, MetricEvent } from '../../protocol/runTypes';
import type { ModelDownloadProgress } from '../../protocol/workerProtocol';
import type { TrainerProgress } from '../training/trainer';

export interface RunEvents {
  started(info: { backend: BackendChoice; totalParams: number; trainableParams: number }): void;
  progress(p: TrainerProgress): void;
  metrics(events: MetricEvent[]): void;
  checkpointSaved(info: { name: string; isBest: boolean; epoch: number; step: number }): void;
  evaluated(evaluation: Evaluation): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** The base model is being downloaded (a catalog model not on this machine yet). */
  downloadProgressed?(progress: ModelDownloadProgress): void;
}
