// finetune.run.reveal: the run folder in the Explorer when it is inside the workspace, else in the OS.

import * as vscode from 'vscode';
import type { RunRef } from '../extensionServices';
import type { CommandDeps } from './commandDeps';

export async function revealPath(fsPath: string): Promise<void> {
  const uri = vscode.Uri.file(fsPath);
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

export async function revealRun(deps: CommandDeps, ref: RunRef): Promise<void> {
  await revealPath(deps.storeFor(ref.runsDir).runDir(ref.runId));
}
