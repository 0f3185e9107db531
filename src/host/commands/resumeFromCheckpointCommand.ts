// finetune.checkpoint.resume ("Resume from Here"): only 'last' and 'best' exist. Resuming from
// 'best' copies it over 'last' first (the worker resumes from 'last'), after a confirmation,
// because the progress after the best checkpoint is discarded.

import * as vscode from 'vscode';
import { UserError } from '../../engine/userError';
import { copyCheckpointOver } from '../checkpointCopy';
import type { CheckpointRef } from '../extensionServices';
import { requireTrust } from '../workspaceTrust';
import type { CommandDeps } from './commandDeps';
import { parseEpochs, validateEpochs } from './inputValidation';

export async function resumeFromCheckpoint(deps: CommandDeps, ref: CheckpointRef): Promise<void> {
  if (!requireTrust('Resuming a run')) return;
  if (ref.checkpoint !== 'last' && ref.checkpoint !== 'best') {
    throw new UserError(`Only the 'last' and 'best' checkpoints can be resumed from, not '${ref.checkpoint}'.`);
  }
  const store = deps.storeFor(ref.runsDir);
  const record = await store.readRun(ref.runId);
  const activity = deps.training.activityOf(ref.runId);
  if (activity !== null || record.status === 'running') throw new UserError(`"${record.name}" is ${activity ?? record.status}: stop it first.`);

  let extraEpochs = 0;
  if (record.status === 'completed') {
    const text = await vscode.window.showInputBox({
      title: `Resume "${record.name}" from '${ref.checkpoint}'`,
      prompt: `The run completed its ${record.config.epochs} epochs: train this many more.`,
      value: '1',
      validateInput: validateEpochs,
    });
    const epochs = text === undefined ? null : parseEpochs(text);
    if (epochs === null) return;
    extraEpochs = epochs;
  }

  if (ref.checkpoint === 'best') {
    const checkpoints = await store.listCheckpoints(ref.runId);
    const best = checkpoints.find((c) => c.name === 'best')?.state;
    const last = checkpoints.find((c) => c.name === 'last')?.state;
    if (!best) throw new UserError(`"${record.name}" has no readable 'best' checkpoint.`);
    if (last && last.step > best.step) {
      const RESUME = 'Resume from Best';
      const choice = await vscode.window.showWarningMessage(
        `Resume "${record.name}" from its best checkpoint (step ${best.step})?`,
        { modal: true, detail: `The 'last' checkpoint (step ${last.step}) is replaced by a copy of 'best', so the progress after step ${best.step} is discarded.` },
        RESUME,
      );
      if (choice !== RESUME) return;
    }
    await copyCheckpointOver(store.paths(ref.runId).checkpoints, 'best', 'last');
  }
  await deps.training.resumeRun(ref.runsDir, ref.runId, extraEpochs);
  deps.refresh();
}
