// finetune.run.delete: after a modal confirmation, moves the run folder(s) to the trash. Refuses
// runs that are training or queued.

import * as vscode from 'vscode';
import { UserError, describeError } from '../../engine/userError';
import type { RunRef } from '../extensionServices';
import type { CommandDeps } from './commandDeps';

function isBusy(deps: CommandDeps, ref: RunRef, status: string, pid: number | null): boolean {
  return deps.training.activityOf(ref.runId) !== null || status === 'running' || (status === 'queued' && pid !== null);
}

export async function deleteRuns(deps: CommandDeps, refs: readonly RunRef[]): Promise<void> {
  const targets: { ref: RunRef; name: string; dir: string }[] = [];
  for (const ref of refs) {
    const store = deps.storeFor(ref.runsDir);
    const record = await store.readRun(ref.runId);
    if (isBusy(deps, ref, record.status, record.pid)) {
      throw new UserError(`"${record.name}" is ${deps.training.activityOf(ref.runId) ?? record.status}: stop it before deleting it.`);
    }
    targets.push({ ref, name: record.name, dir: store.runDir(ref.runId) });
  }
  if (targets.length === 0) return;
  const DELETE = 'Move to Trash';
  const question = targets.length === 1 ? `Delete the run "${targets[0].name}"?` : `Delete ${targets.length} runs?`;
  const detail =
    targets.length === 1
      ? `Its folder ${targets[0].dir} (checkpoints, metrics, evaluation) goes to the trash.`
      : `Their folders go to the trash:\n${targets.map((t) => `• ${t.name}`).join('\n')}`;
  if ((await vscode.window.showWarningMessage(question, { modal: true, detail }, DELETE)) !== DELETE) return;

  let permanently = false;
  for (const target of targets) {
    const uri = vscode.Uri.file(target.dir);
    try {
      await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: !permanently });
    } catch (error) {
      if (permanently) throw error;
      // Some environments (remote, web) have no trash.
      const FOREVER = 'Delete Permanently';
      const choice = await vscode.window.showWarningMessage(
        `The run folder could not be moved to the trash: ${describeError(error)}`,
        { modal: true, detail: 'Delete it permanently instead? This cannot be undone.' },
        FOREVER,
      );
      if (choice !== FOREVER) break;
      permanently = true;
      await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
    }
  }
  deps.refresh();
}
