// What panels and commands need from the host's training service (implemented by
// TrainingService in trainingService.ts): start, resume, stop, and live worker messages.

import type * as vscode from 'vscode';
import type { TrainConfig } from '../protocol/configTypes';
import type { WorkerMessage } from '../protocol/workerProtocol';

/** A live message from the worker of one run. */
export interface RunActivity {
  runsDir: string;
  runId: string;
  message: WorkerMessage;
}

export interface TrainingServiceApi {
  /** Creates the run in `runsDir` and queues it (it starts when a slot is free); returns the run id. */
  startRun(runsDir: string, config: TrainConfig, name?: string): Promise<string>;
  /** Queues a stopped/interrupted run to continue exactly, or a completed one for `extraEpochs` more epochs. */
  resumeRun(runsDir: string, runId: string, extraEpochs: number): Promise<void>;
  /** First call: graceful (checkpoint, then exit); second call: kill. A queued run is removed from the queue. */
  stopRun(runId: string): void;
  /** True once Stop was asked for a run that is still running (the next Stop kills). */
  isStopping(runId: string): boolean;
  /** 'queued' | 'running' while the service holds the run; null otherwise. */
  activityOf(runId: string): 'queued' | 'running' | null;
  /** Every worker message of every run, as it arrives. */
  readonly onDidReceive: vscode.Event<RunActivity>;
  /** Fires when the queue or the set of running runs changes. */
  readonly onDidChangeQueue: vscode.Event<void>;
}
