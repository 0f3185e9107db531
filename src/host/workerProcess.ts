// The host's view of one training worker process: startWorker's handle narrowed to what the
// training service uses, so tests can start fake workers.

import type { ParentMessage, WorkerMessage } from '../protocol/workerProtocol';
import { startWorker, type WorkerLaunch } from '../worker/workerClient';

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  /** undefined when the process could not be spawned. */
  readonly pid: number | undefined;
  send(message: ParentMessage): void;
  /** Asks the worker to stop gracefully (run/stop): it checkpoints and exits. */
  stop(reason: string): void;
  /** SIGKILL. */
  kill(): void;
  /** Errors of the process itself (for example: the runtime could not be spawned). */
  onError(listener: (error: Error) => void): void;
  /** Resolves when the process exits (never when it could not be spawned: see onError). */
  readonly exited: Promise<WorkerExit>;
}

export type WorkerStarter = (
  launch: WorkerLaunch,
  onMessage: (message: WorkerMessage) => void,
  onOutput: (stream: 'stdout' | 'stderr', text: string) => void,
) => WorkerProcess;

/** Forks dist/worker.js with startWorker (fork options built by buildForkOptions). */
export const startWorkerProcess: WorkerStarter = (launch, onMessage, onOutput) => {
  const handle = startWorker(launch, onMessage, onOutput);
  return {
    get pid() {
      return handle.child.pid;
    },
    send: (message) => handle.send(message),
    stop: (reason) => handle.stop(reason),
    kill: () => {
      handle.child.kill('SIGKILL');
    },
    onError: (listener) => {
      handle.child.on('error', listener);
    },
    exited: handle.exited,
  };
};
