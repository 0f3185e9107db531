// File-system watchers on the runs folder(s): run.json files and checkpoint folders appearing,
// changing or going away. Rebuilt when the runs folder setting or the workspace folders change.

import * as vscode from 'vscode';

const PATTERNS = ['*', '*/run.json', '*/checkpoints/*'];

export class RunsWatcher implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly runsDirs: () => string[],
    private readonly onChange: () => void,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('fineTune.runsFolder')) this.rebuild();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuild()),
    ];
    this.watch();
  }

  dispose(): void {
    this.watchers.forEach((w) => w.dispose());
    this.subscriptions.forEach((s) => s.dispose());
  }

  private rebuild(): void {
    this.watchers.forEach((w) => w.dispose());
    this.watch();
    this.onChange();
  }

  private watch(): void {
    this.watchers = this.runsDirs().flatMap((runsDir) =>
      PATTERNS.map((pattern) => {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(runsDir), pattern));
        const changed = (): void => this.onChange();
        watcher.onDidCreate(changed);
        watcher.onDidChange(changed);
        watcher.onDidDelete(changed);
        return watcher;
      }),
    );
  }
}
