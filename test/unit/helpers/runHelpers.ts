// Runs the engine in this process on a run store in a temporary folder.

import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../../../src/protocol/configTypes';
import type { MetricEvent } from '../../../src/protocol/runTypes';
import { RunStore } from '../../../src/storage/runStore';
import { executeRun, type ExecuteResult } from '../../../src/engine/runner/executeRun';
import type { RunEvents } from '../../../src/engine/runner/runEvents';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';

export function quietEvents(onMetrics?: (events: MetricEvent[]) => void): RunEvents {
  return {
    started: () => undefined,
    progress: () => undefined,
    metrics: (events) => onMetrics?.(events),
    checkpointSaved: () => undefined,
    evaluated: () => undefined,
    log: () => undefined,
  };
}

export async function createAndRun(
  runsDir: string,
  dataset: string,
  choices: Partial<TrainConfig>,
  options: { stopAfterSteps?: number; resume?: boolean } = {},
): Promise<{ store: RunStore; runId: string; result: ExecuteResult }> {
  const store = new RunStore(runsDir);
  const run = await store.createRun(makeTrainConfig(dataset, { backend: 'cpu', ...choices }));
  const result = await runById(store, run.id, options);
  return { store, runId: run.id, result };
}

export async function runById(
  store: RunStore,
  runId: string,
  options: { stopAfterSteps?: number; resume?: boolean; extraEpochs?: number } = {},
): Promise<ExecuteResult> {
  let steps = 0;
  return executeRun(store, runId, {
    resume: options.resume ?? false,
    extraEpochs: options.extraEpochs ?? 0,
    shouldStop: () => options.stopAfterSteps !== undefined && steps >= options.stopAfterSteps,
    events: quietEvents((events) => {
      steps += events.filter((e) => e.split === 'train' && e.name === 'loss').length;
    }),
  });
}

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
}
