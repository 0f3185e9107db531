// finetune.run.stop: first Stop is graceful (the worker checkpoints and exits), a second one kills.
// A run trained by another window or the CLI can be ended from here (it resumes from its last checkpoint).

import * as vscode from 'vscode';
import type { RunRef } from '../extensionServices';
import type { CommandDeps } from './commandDeps';

export async function stopRuns(deps: CommandDeps, refs: readonly RunRef[]): Promise<void> {
  for (const ref of refs) await stopRun(deps, ref);
}

async function stopRun(deps: CommandDeps, ref: RunRef): Promise<void> {
  const { training } = deps;
  const activity = training.activityOf(ref.runId);
  if (activity === 'running') {
    const second = training.isStopping(ref.runId);
    training.stopRun(ref.runId);
    vscode.window.setStatusBarMessage(
      second ? '$(debug-stop) Fine-Tune: killing the training process…' : '$(debug-stop) Fine-Tune: stopping, saving a checkpoint… (Stop again to kill)',
      6000,
    );
    return;
  }
  if (activity === 'queued') {
    training.stopRun(ref.runId);
    return;
  }
  const store = deps.storeFor(ref.runsDir);
  const record = await store.readRun(ref.runId);
  if (record.status === 'queued' && record.pid === null) {
    // Queued by a window that has since closed: nobody will start it.
    await store.updateRun(ref.runId, { status: 'stopped', statusReason: 'Taken off the queue of a window that closed; resume it to start.' });
    deps.refresh();
    return;
  }
  if ((record.status === 'running' || record.status === 'queued') && record.pid !== null) {
    const END = 'End the Process';
    const choice = await vscode.window.showWarningMessage(
      `"${record.name}" is being trained by another process (pid ${record.pid}): another VS Code window or the finetune CLI.`,
      {
        modal: true,
        detail: 'Ending it from here stops it at once; Resume then continues from its last checkpoint. To stop it with a fresh checkpoint, stop it where it was started (Ctrl-C in the CLI).',
      },
      END,
    );
    if (choice !== END) return;
    try {
      process.kill(record.pid, 'SIGTERM');
    } catch {
      // Already gone: the store shows it as interrupted.
    }
    setTimeout(() => deps.refresh(), 500);
    return;
  }
  void vscode.window.showInformationMessage(`"${record.name}" is not running (it is ${record.status}).`);
}
