// Why a worker ended without saying so itself: exit code or signal, and its last stderr lines.

import type { WorkerExit } from './workerProcess';

/** The last `count` non-empty lines of a text. */
export function lastLines(text: string, count: number): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-count);
}

/** A sentence for run.json statusReason and the failure notification. */
export function describeWorkerExit(exit: WorkerExit, stderrTail: string): string {
  const how = exit.signal !== null ? `was killed by signal ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
  const hint = exit.signal === 'SIGKILL' ? ' (often because the machine ran out of memory)' : '';
  const last = lastLines(stderrTail, 5);
  const output = last.length > 0 ? ` Its last output: ${last.join(' | ')}` : '';
  return `The training process ${how}${hint} before the run finished.${output}`;
}

/** A sentence for a worker runtime that could not be started at all. */
export function describeSpawnFailure(runtime: string, error: Error, fromSetting: boolean): string {
  const hint = fromSetting
    ? ' Check the setting fineTune.nodePath: it must name a Node.js executable (or be empty to use VS Code\'s own runtime).'
    : '';
  return `The training process could not be started with ${runtime}: ${error.message}.${hint}`;
}
