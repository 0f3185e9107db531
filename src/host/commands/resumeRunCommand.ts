// finetune.run.resume and finetune.run.extend: queue a run to continue exactly from its last
// checkpoint, or a completed one for N more epochs.

import * as vscode from 'vscode';
import type { RunRef } from '../extensionServices';
import { requireTrust } from '../workspaceTrust';
import type { CommandDeps } from './commandDeps';
import { parseEpochs, validateEpochs } from './inputValidation';

async function queueResume(deps: CommandDeps, ref: RunRef, extraEpochs: number): Promise<void> {
  await deps.training.resumeRun(ref.runsDir, ref.runId, extraEpochs);
  const waiting = deps.training.activityOf(ref.runId) === 'queued';
  vscode.window.setStatusBarMessage(`$(debug-continue) Fine-Tune: ${waiting ? 'queued, waiting for a free training slot' : 'resuming'}…`, 5000);
  deps.refresh();
}

export async function resumeRun(deps: CommandDeps, ref: RunRef): Promise<void> {
  if (!requireTrust('Resuming a run')) return;
  await queueResume(deps, ref, 0);
}

export async function extendRun(deps: CommandDeps, ref: RunRef): Promise<void> {
  if (!requireTrust('Extending a run')) return;
  const record = await deps.storeFor(ref.runsDir).readRun(ref.runId);
  const text = await vscode.window.showInputBox({
    title: `Extend "${record.name}"`,
    prompt: `Train this many more epochs (it has trained ${record.config.epochs}), continuing from its last checkpoint.`,
    value: '1',
    validateInput: validateEpochs,
  });
  const epochs = text === undefined ? null : parseEpochs(text);
  if (epochs === null) return;
  await queueResume(deps, ref, epochs);
}
