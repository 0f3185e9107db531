// Runs one `finetune` CLI command (dist/cli.js) in a short-lived child process, with the same
// runtime and backend settings as the training worker: the host never loads TensorFlow.js.

import { fork } from 'node:child_process';
import { UserError } from '../engine/userError';
import { buildForkOptions } from '../worker/workerClient';
import type { TrainingSettings } from './trainingSettings';
import { engineLaunchFor } from './workerLaunch';
import { lastLines } from './workerExit';

export interface CliResult {
  stdout: string;
  stderr: string;
}

export interface CliRun {
  /** dist/cli.js */
  cliScript: string;
  settings: Pick<TrainingSettings, 'backend' | 'nodePath' | 'allowSoftwareGpu' | 'fastPaths' | 'cpuThreads' | 'zoo'>;
  /** Working folder of the child. */
  cwd?: string;
  /** Cancellation (a VS Code CancellationToken fits). */
  token?: { isCancellationRequested: boolean; onCancellationRequested(listener: () => void): unknown };
}

/** Raised when the command was cancelled by the user. */
export class CliCancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'CliCancelledError';
  }
}

/** The CLI's own "error: …" message, else its last lines of output, else the exit status. */
export function cliFailureMessage(stderr: string, code: number | null, signal: NodeJS.Signals | null): string {
  const errorLine = stderr
    .split(/\r?\n/)
    .filter((line) => line.startsWith('error: '))
    .pop();
  if (errorLine) return errorLine.slice('error: '.length);
  const last = lastLines(stderr, 3);
  const how = signal ? `was killed by signal ${signal}` : `exited with code ${code ?? 'unknown'}`;
  return `The finetune command ${how}.${last.length > 0 ? ` ${last.join(' | ')}` : ''}`;
}

/** Runs `finetune <args>`; resolves with its output on exit code 0, rejects with its error message otherwise. */
export function runCliCommand(run: CliRun, args: readonly string[]): Promise<CliResult> {
  return new Promise<CliResult>((resolve, reject) => {
    if (run.token?.isCancellationRequested) {
      reject(new CliCancelledError());
      return;
    }
    const options = buildForkOptions(engineLaunchFor(run.cliScript, run.settings));
    const child = fork(run.cliScript, [...args], { ...options, cwd: run.cwd });
    let stdout = '';
    let stderr = '';
    let cancelled = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-20000);
    });
    run.token?.onCancellationRequested(() => {
      cancelled = true;
      child.kill('SIGKILL');
    });
    child.on('error', (error) => {
      if (child.pid === undefined) reject(new UserError(`Could not start ${run.settings.nodePath || 'the VS Code runtime'}: ${error.message}`, { hint: 'Check the setting fineTune.nodePath.' }));
    });
    child.on('close', (code, signal) => {
      if (cancelled) reject(new CliCancelledError());
      else if (code === 0) resolve({ stdout, stderr });
      else reject(new UserError(cliFailureMessage(stderr, code, signal)));
    });
  });
}
