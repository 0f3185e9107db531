// A runs folder with one run per status, written through RunStore, for the tree tests.

import * as path from 'node:path';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import type { CheckpointState, RunRecord } from '../../../src/protocol/runTypes';
import type { RunStore } from '../../../src/storage/runStore';
import type { RunActivity } from '../../../src/host/trainingServiceApi';
import type { RunRef } from '../../../src/host/extensionServices';
import { RunsIndex } from '../../../src/views/runsIndex';
import { EventEmitter } from './vscodeStub';

export function checkpointState(name: string, step: number, value: number | null, epoch = 1): CheckpointState {
  return {
    name, epoch, step, batchInEpoch: 0, rngState: [1, 2, 3, 4], bestValue: value, bestEpoch: epoch - 1,
    badValidations: 0, metric: 'accuracy', value, time: '2026-11-26T14:00:00.000Z',
  };
}

export interface Fixture {
  completed: RunRecord;
  running: RunRecord;
  queued: RunRecord;
  failed: RunRecord;
  stopped: RunRecord;
  interrupted: RunRecord;
}

/** Six runs, created one second apart (completed oldest), one per status. */
export async function writeFixtureRuns(store: RunStore, datasetDir = '/data'): Promise<Fixture> {
  const make = async (name: string, seconds: number, patch: Partial<RunRecord>): Promise<RunRecord> => {
    const config = makeTrainConfig(path.join(datasetDir, 'reviews.csv'), { technique: 'lora', model: 'nn-sentiment' });
    const run = await store.createRun(config, { name });
    return store.updateRun(run.id, { ...patch, createdAt: new Date(Date.UTC(2026, 10, 26, 14, 0, seconds)).toISOString() });
  };
  const progress = { epoch: 1, step: 20, totalSteps: 60, epochs: 3 };
  const completed = await make('completed run', 0, {
    status: 'completed',
    progress: { epoch: 3, step: 60, totalSteps: 60, epochs: 3 },
    best: { name: 'best', metric: 'accuracy', value: 0.9123, epoch: 1, step: 40 },
    backend: { name: 'wasm', skipped: [] },
  });
  await store.writeCheckpointState(completed.id, checkpointState('best', 40, 0.9123, 2));
  await store.writeCheckpointState(completed.id, checkpointState('last', 60, 0.9, 3));
  // The worker's own pid: alive, so the store does not reconcile the run to interrupted.
  const running = await make('running run', 1, { status: 'running', pid: process.pid, progress });
  const queued = await make('queued run', 2, { status: 'queued' });
  const failed = await make('failed run', 3, { status: 'failed', statusReason: 'The dataset has no rows.' });
  const stopped = await make('stopped run', 4, {
    status: 'stopped',
    progress,
    best: { name: 'best', metric: 'loss', value: 0.23061, epoch: 0, step: 20 },
  });
  await store.writeCheckpointState(stopped.id, checkpointState('best', 20, 0.23061));
  const interrupted = await make('interrupted run', 5, { status: 'interrupted' });
  return { completed, running, queued, failed, stopped, interrupted };
}

/** A stand-in for the training service's events. */
export function fakeTraining(): {
  onDidReceive: EventEmitter<RunActivity>['event'];
  onDidChangeQueue: EventEmitter<void>['event'];
  receive: EventEmitter<RunActivity>;
  queue: EventEmitter<void>;
} {
  const receive = new EventEmitter<RunActivity>();
  const queue = new EventEmitter<void>();
  return { onDidReceive: receive.event, onDidChangeQueue: queue.event, receive, queue };
}

export function makeIndex(
  dirs: string[],
  storeFor: (dir: string) => RunStore,
  training = fakeTraining(),
  activeRuns?: () => RunRef[],
): RunsIndex {
  return new RunsIndex({ runsDirs: () => dirs, storeFor, training, activeRuns, debounceMs: 10, progressIntervalMs: 50 });
}
