// Training, prediction, evaluation and export run code on the user's data: they refuse in an
// untrusted workspace, with an explanation and a way to trust it. Browsing runs still works.

import * as vscode from 'vscode';

const MANAGE = 'Manage Workspace Trust';

/** True when trusted; otherwise explains why `action` is disabled and returns false. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      `${action} is disabled in this untrusted workspace: Fine-Tune would read its datasets and run model code on them. Browsing runs and checkpoints still works.`,
      MANAGE,
    )
    .then((choice) => {
      if (choice === MANAGE) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
