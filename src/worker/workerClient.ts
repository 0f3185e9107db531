// The parent side of the training worker: fork options built in one place, typed messages,
// graceful stop then kill. Used by the CLI and the extension host; never imports vscode.

import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import * as path from 'node:path';
import { isWorkerMessage, type ParentMessage, type WorkerMessage } from '../protocol/workerProtocol';

export interface WorkerLaunch {
  /** Path of dist/worker.js. */
  workerScript: string;
  /** A Node runtime to use instead of the current one (for example VS Code's Electron or a user-chosen node). */
  execPath?: string;
  /** Run the runtime as plain Node (needed for Electron). */
  runAsNode?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** All fork options in one function (module, execArgv, env, runtime). */
export function buildForkOptions(launch: WorkerLaunch): ForkOptions {
  const env: NodeJS.ProcessEnv = { ...process.env, ...launch.env };
  if (launch.runAsNode) env.ELECTRON_RUN_AS_NODE = '1';
  return {
    execPath: launch.execPath ?? process.execPath,
    execArgv: [],
    env,
    // stdout/stderr are piped so nothing but the protocol uses the IPC channel, and logs are kept.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  };
}

export function defaultWorkerScript(fromDir: string): string {
  return path.join(fromDir, 'worker.js');
}

export interface WorkerHandle {
  child: ChildProcess;
  send(message: ParentMessage): void;
  /** First stop is graceful (checkpoint then exit); a second one kills. */
  stop(reason: string): void;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startWorker(
  launch: WorkerLaunch,
  onMessage: (message: WorkerMessage) => void,
  onOutput: (stream: 'stdout' | 'stderr', text: string) => void,
): WorkerHandle {
  const child = fork(launch.workerScript, [], buildForkOptions(launch));
  let stopRequests = 0;
  child.on('message', (raw: unknown) => {
    if (isWorkerMessage(raw)) onMessage(raw);
  });
  child.stdout?.on('data', (chunk: Buffer) => onOutput('stdout', chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => onOutput('stderr', chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const send = (message: ParentMessage): void => {
    if (child.connected) child.send(message);
  };
  return {
    child,
    send,
    stop(reason: string) {
      stopRequests += 1;
      if (stopRequests === 1 && child.connected) send({ type: 'run/stop', payload: { reason } });
      else child.kill('SIGKILL');
    },
    exited,
  };
}
