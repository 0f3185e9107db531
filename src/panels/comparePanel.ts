// The comparison panel: several runs side by side (metrics, configuration differences, overlaid
// curves, confusion matrices, per-example differences). Opened by `finetune.runs.compare` from
// the Runs tree's multi-selection, a dashboard's "Compare with…" (one run: the others are asked
// for), or the Command Palette (a QuickPick). Each invocation opens a panel, unless one already
// shows exactly these runs. The serializer revives panels after a reload; every panel rebuilds
// its state from the run store (see CompareSession).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../engine/userError';
import { isRunRef, type ExtensionServices } from '../host/extensionServices';
import {
  isCompareUpMessage,
  isCompareViewState,
  type CompareDownMessage,
  type CompareRunRef,
  type CompareUpMessage,
  type CompareViewState,
  type ExportFormat,
} from '../protocol/comparePanelProtocol';
import { pickRuns } from './compareRunPicker';
import { saveComparison } from './compareSaveComparison';
import { CompareSession } from './compareSession';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

export const COMPARE_VIEW_TYPE = 'finetune.compare';
const COMPARE_COMMAND = 'finetune.runs.compare';

function toRef(value: { runsDir: string; runId: string }): CompareRunRef {
  return { runsDir: value.runsDir, runId: value.runId };
}

function setKey(refs: readonly CompareRunRef[]): string {
  return refs
    .map((r) => `${path.resolve(r.runsDir)}\u0000${r.runId}`)
    .sort()
    .join('\u0001');
}

function titleOf(count: number): string {
  return `Compare Runs (${count})`;
}

class ComparePanel {
  private static readonly open = new Set<ComparePanel>();

  private readonly disposables: vscode.Disposable[] = [];
  private readonly session: CompareSession;

  static createOrShow(services: ExtensionServices, refs: readonly CompareRunRef[]): void {
    const key = setKey(refs);
    for (const existing of ComparePanel.open) {
      if (setKey(existing.session.refs) === key) {
        existing.panel.reveal();
        return;
      }
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, titleOf(refs.length), vscode.ViewColumn.Active, webviewOptions(services.extensionUri));
    new ComparePanel(panel, services, { runs: [...refs], onlyDifferences: true, sort: null, pair: null, evaluation: null });
  }

  static revive(panel: vscode.WebviewPanel, services: ExtensionServices, state: Omit<CompareViewState, 'curves'>): void {
    panel.webview.options = webviewOptions(services.extensionUri);
    new ComparePanel(panel, services, state);
  }

  /** A worker reported on a run: panels showing it read it again. */
  static runChanged(ref: CompareRunRef): void {
    for (const panel of ComparePanel.open) if (panel.session.has(ref)) void panel.session.refresh();
  }

  static disposeAll(): void {
    for (const panel of [...ComparePanel.open]) panel.panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: ExtensionServices,
    initial: Omit<CompareViewState, 'curves'>,
  ) {
    ComparePanel.open.add(this);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'finetune.svg');
    panel.title = titleOf(initial.runs.length);
    this.session = new CompareSession({
      refs: initial.runs,
      onlyDifferences: initial.onlyDifferences,
      sort: initial.sort,
      pair: initial.pair,
      evaluation: initial.evaluation ?? null,
      post: (message: CompareDownMessage) => {
        panel.title = titleOf(message.payload.state.runs.length);
        void panel.webview.postMessage(message);
      },
      onRunsChanged: (refs) => {
        panel.title = titleOf(refs.length);
      },
      onError: (error) => services.output.appendLine(`Compare Runs: ${describeError(error)}`),
    });
    panel.webview.html = renderWebviewHtml({
      webview: panel.webview,
      extensionUri: services.extensionUri,
      script: 'compare',
      styles: ['panel.css', 'compare.css'],
      title: titleOf(initial.runs.length),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        // The webview is destroyed while hidden; when shown again it says ready and gets a full state.
        if (!panel.visible) this.session.detach();
      }),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
    );
  }

  private dispose(): void {
    ComparePanel.open.delete(this);
    this.session.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private receive(message: unknown): void {
    if (!isCompareUpMessage(message)) {
      this.services.output.appendLine('Compare Runs: ignored a malformed message from the webview.');
      return;
    }
    this.handle(message).catch((error: unknown) => {
      void vscode.window.showErrorMessage(`Fine-Tune: ${describeError(error)}`);
    });
  }

  private async handle(message: CompareUpMessage): Promise<void> {
    switch (message.type) {
      case 'compare/ready':
        return this.session.attach();
      case 'compare/addRuns': {
        const refs = await pickRuns(this.services, {
          title: 'Add Runs to the Comparison',
          placeHolder: 'Choose the runs to add',
          exclude: this.session.refs,
          anchor: this.session.refs[0],
        });
        if (refs && refs.length > 0) await this.session.addRuns(refs);
        return;
      }
      case 'compare/removeRun':
        return this.session.removeRun(message.payload.ref);
      case 'compare/setOnlyDifferences':
        return this.session.setOnlyDifferences(message.payload.on);
      case 'compare/sortBy':
        return this.session.setSort(message.payload.sort);
      case 'compare/pickPair':
        return this.session.setPair(message.payload.pair);
      case 'compare/setEvaluation':
        return this.session.setEvaluation(message.payload.name);
      case 'compare/saveComparison':
        return saveComparison(this.session);
      case 'compare/exportTable':
        return this.exportTable(message.payload.format);
      case 'compare/openLine':
        return this.openLine(message.payload.ref, message.payload.line);
      case 'compare/openDashboard':
        if (this.session.has(message.payload.ref)) await vscode.commands.executeCommand('finetune.run.openDashboard', toRef(message.payload.ref));
        return;
    }
  }

  private async exportTable(format: ExportFormat): Promise<void> {
    const text = this.session.exportText(format);
    if (text === null) return;
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri;
    const name = `run-comparison.${format === 'csv' ? 'csv' : 'md'}`;
    const target = await vscode.window.showSaveDialog({
      title: format === 'csv' ? 'Export the Metrics Table as CSV' : 'Export the Comparison as Markdown',
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'csv' ? { CSV: ['csv'] } : { Markdown: ['md'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    const choice = await vscode.window.showInformationMessage(`Fine-Tune: saved ${vscode.workspace.asRelativePath(target)}.`, 'Open');
    if (choice === 'Open') await vscode.window.showTextDocument(target, { preview: true });
  }

  private async openLine(ref: CompareRunRef, line: number): Promise<void> {
    const file = this.session.datasetPathOf(ref);
    if (file === null) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const row = Math.min(Math.max(0, line - 1), Math.max(0, document.lineCount - 1));
    const range = new vscode.Range(row, 0, row, document.lineAt(row).text.length);
    await vscode.window.showTextDocument(document, { selection: range, preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}

/** The runs of the Runs tree's multi-selection: (clicked element, selected elements). */
function selectedRuns(arg: unknown, selection: unknown): CompareRunRef[] {
  const refs: CompareRunRef[] = [];
  if (Array.isArray(selection)) for (const item of selection) if (isRunRef(item)) refs.push(toRef(item));
  if (isRunRef(arg) && !refs.some((r) => r.runId === arg.runId && r.runsDir === arg.runsDir)) refs.unshift(toRef(arg));
  return refs;
}

async function compareCommand(services: ExtensionServices, arg: unknown, selection: unknown): Promise<void> {
  const selected = selectedRuns(arg, selection);
  if (selected.length > 1) {
    ComparePanel.createOrShow(services, selected);
    return;
  }
  if (selected.length === 1) {
    // From a dashboard's "Compare with…" (or a single run): ask which runs to add.
    const others = await pickRuns(services, {
      title: 'Compare with…',
      placeHolder: 'Choose the runs to compare with this one',
      exclude: selected,
      anchor: selected[0],
    });
    if (others === undefined) return;
    ComparePanel.createOrShow(services, [...selected, ...others]);
    return;
  }
  const picked = await pickRuns(services, { title: 'Compare Runs', placeHolder: 'Choose two or more runs to compare', exclude: [] });
  if (picked && picked.length > 0) ComparePanel.createOrShow(services, picked);
}

/** The command `finetune.runs.compare` and the panel serializer. */
export function registerComparePanel(services: ExtensionServices): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMPARE_COMMAND, (arg?: unknown, selection?: unknown) =>
      compareCommand(services, arg, selection).catch((error: unknown) => {
        void vscode.window.showErrorMessage(`Fine-Tune: ${describeError(error)}`);
      }),
    ),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        if (!isCompareViewState(state) || state.runs.length === 0) {
          // Closed before it knew its runs: nothing to show.
          panel.dispose();
          return;
        }
        ComparePanel.revive(panel, services, state);
      },
    }),
    services.training.onDidReceive((activity) => {
      const type = activity.message.type;
      if (type === 'run/started' || type === 'run/finished' || type === 'run/failed' || type === 'worker/exited' || type === 'run/evaluated') {
        ComparePanel.runChanged({ runsDir: activity.runsDir, runId: activity.runId });
      }
    }),
    { dispose: () => ComparePanel.disposeAll() },
  );
}
