// Composition only: create services, register commands, one root disposable.

import * as vscode from 'vscode';
import { fineTuneDataset } from './host/fineTuneCommand';

export function activate(context: vscode.ExtensionContext): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('finetune');
  const output = vscode.window.createOutputChannel('Fine-Tune');
  const deps = { extensionPath: context.extensionPath, diagnostics, output };
  context.subscriptions.push(
    vscode.Disposable.from(
      diagnostics,
      output,
      vscode.commands.registerCommand('finetune.dataset.fineTune', (uri?: vscode.Uri) => fineTuneDataset(deps, uri)),
    ),
  );
}

export function deactivate(): void {
  // Nothing to do: the worker stops itself when the extension host goes away.
}
