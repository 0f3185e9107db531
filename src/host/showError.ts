// Errors shown to the user: one clear sentence and, where a log helps, "Show Log".

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { describeError } from '../engine/userError';
import { RunStore } from '../storage/runStore';
import type { RunRef } from './extensionServices';

const SHOW_LOG = 'Show Log';

/** Opens the run's worker.log, or the Fine-Tune output channel when there is none. */
export async function showRunLog(output: vscode.OutputChannel, ref?: RunRef): Promise<void> {
  if (ref) {
    const log = new RunStore(ref.runsDir).paths(ref.runId).log;
    if (fs.existsSync(log)) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(log));
      const editor = await vscode.window.showTextDocument(document, { preview: true });
      const end = document.lineCount > 0 ? document.lineCount - 1 : 0;
      editor.revealRange(new vscode.Range(end, 0, end, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return;
    }
  }
  output.show(true);
}

/** Shows `Fine-Tune: <what went wrong>` with a "Show Log" button. */
export async function showError(output: vscode.OutputChannel, error: unknown, ref?: RunRef): Promise<void> {
  const message = describeError(error);
  output.appendLine(`error: ${message}`);
  const choice = await vscode.window.showErrorMessage(`Fine-Tune: ${message}`, SHOW_LOG);
  if (choice === SHOW_LOG) await showRunLog(output, ref);
}
