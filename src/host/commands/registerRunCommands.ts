// Registers the sidebar's commands (ids from package.json). Each handler lives in its own file;
// errors are shown once, here, with "Show Log".

import * as vscode from 'vscode';
import { CliCancelledError } from '../cliProcess';
import { isRunRef, type RunRef } from '../extensionServices';
import { showError } from '../showError';
import { checkGpu } from './checkGpuCommand';
import { checkpointRefOf, runRefOf, runRefsOf, toRunRef } from './commandArgs';
import type { CommandDeps } from './commandDeps';
import { deleteRuns } from './deleteRunCommand';
import { duplicateRun } from './duplicateRunCommand';
import { evaluateCheckpoint } from './evaluateCheckpointCommand';
import { exportCheckpoint } from './exportCheckpointCommand';
import { quickStart } from './quickStartCommand';
import { renameRun } from './renameRunCommand';
import { resumeFromCheckpoint } from './resumeFromCheckpointCommand';
import { extendRun, resumeRun } from './resumeRunCommand';
import { revealRun } from './revealRunCommand';
import { stopRuns } from './stopRunCommand';
import { sweepDataset } from './sweepCommand';
import { tryCheckpoint } from './tryItCommand';

type Handler = (...args: unknown[]) => Promise<void> | void;

export function registerRunCommands(deps: CommandDeps): vscode.Disposable {
  const register = (id: string, handler: Handler): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await handler(...args);
      } catch (error) {
        if (error instanceof CliCancelledError) return;
        const ref: RunRef | undefined = isRunRef(args[0]) ? toRunRef(args[0]) : undefined;
        await showError(deps.services.output, error, ref);
      }
    });
  return vscode.Disposable.from(
    register('finetune.runs.refresh', () => deps.refresh()),
    register('finetune.checkGpu', () => checkGpu(deps)),
    register('finetune.dataset.quickStart', (arg) => quickStart(deps, arg)),
    register('finetune.dataset.sweep', (arg) => sweepDataset(deps, arg)),
    register('finetune.run.stop', (arg, selection) => stopRuns(deps, runRefsOf(arg, selection))),
    register('finetune.run.resume', (arg) => resumeRun(deps, runRefOf(arg))),
    register('finetune.run.extend', (arg) => extendRun(deps, runRefOf(arg))),
    register('finetune.run.duplicate', (arg) => duplicateRun(deps, runRefOf(arg))),
    register('finetune.run.rename', (arg) => renameRun(deps, runRefOf(arg))),
    register('finetune.run.delete', (arg, selection) => deleteRuns(deps, runRefsOf(arg, selection))),
    register('finetune.run.reveal', (arg) => revealRun(deps, runRefOf(arg))),
    register('finetune.checkpoint.tryIt', (arg) => tryCheckpoint(deps, checkpointRefOf(arg))),
    register('finetune.checkpoint.evaluate', (arg) => evaluateCheckpoint(deps, checkpointRefOf(arg))),
    register('finetune.checkpoint.export', (arg) => exportCheckpoint(deps, checkpointRefOf(arg))),
    register('finetune.checkpoint.resume', (arg) => resumeFromCheckpoint(deps, checkpointRefOf(arg))),
  );
}
