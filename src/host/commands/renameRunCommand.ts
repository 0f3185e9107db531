// finetune.run.rename: changes run.json `name`.

import * as vscode from 'vscode';
import type { RunRef } from '../extensionServices';
import type { CommandDeps } from './commandDeps';
import { validateRunName } from './inputValidation';

export async function renameRun(deps: CommandDeps, ref: RunRef): Promise<void> {
  const store = deps.storeFor(ref.runsDir);
  const record = await store.readRun(ref.runId);
  const name = await vscode.window.showInputBox({
    title: 'Rename Run',
    prompt: `New name of run ${record.id}`,
    value: record.name,
    valueSelection: [0, record.name.length],
    validateInput: validateRunName,
  });
  if (name === undefined || name.trim() === record.name) return;
  await store.updateRun(ref.runId, { name: name.trim() });
  deps.refresh();
}
