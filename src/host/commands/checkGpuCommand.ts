// finetune.checkGpu ("Fine-Tune: Check GPU Setup"): runs `finetune doctor` in a child process with
// the training worker's runtime and settings (so it sees what a run would see: VS Code's Electron
// or fineTune.nodePath, the backend setting, the software-adapter setting) and shows its report
// as a Markdown preview.

import * as vscode from 'vscode';
import { runCliCommand } from '../cliProcess';
import type { CommandDeps } from './commandDeps';

export async function checkGpu(deps: CommandDeps): Promise<void> {
  const { stdout } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Checking the GPU setup (loads each backend and times one training step)…', cancellable: true },
    (_progress, token) => runCliCommand({ cliScript: deps.cliScript, settings: deps.settings(), token }, ['doctor']).catch((error: unknown) => {
      // The doctor exits 1 when no backend can train, after printing its report: show the report.
      const text = error instanceof Error ? error.message : String(error);
      throw new Error(`The GPU check could not finish: ${text}`);
    }),
  );
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: stdout });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
}
