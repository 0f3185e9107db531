// The live dashboard of one run (a webview panel per run): curves, header, evaluation and log.
// createOrShow reveals the run's panel when it is open; the serializer revives panels after a
// reload, and every panel rebuilds its state from the run store (see DashboardFeed).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../engine/userError';
import { isRunRef, type ExtensionServices, type RunRef } from '../host/extensionServices';
import type { TrainingServiceApi } from '../host/trainingServiceApi';
import {
  MAX_EXTRA_EPOCHS,
  isDashboardUpMessage,
  isDashboardViewState,
  isExtraEpochs,
  type DashboardAxis,
  type DashboardDownMessage,
  type DashboardUpMessage,
} from '../protocol/dashboardProtocol';
import type { WorkerMessage } from '../protocol/workerProtocol';
import { RunStore } from '../storage/runStore';
import { DashboardFeed } from './dashboardFeed';
import { pickRun } from './dashboardRunPicker';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

export const DASHBOARD_VIEW_TYPE = 'finetune.dashboard';

const COMPARE_COMMAND = 'finetune.runs.compare';

function keyOf(ref: RunRef): string {
  return `${path.resolve(ref.runsDir)}\u0000${ref.runId}`;
}

class DashboardPanel {
  private static readonly open = new Map<string, DashboardPanel>();

  private readonly disposables: vscode.Disposable[] = [];
  private readonly store: RunStore;
  private readonly feed: DashboardFeed;

  static createOrShow(services: ExtensionServices, ref: RunRef): void {
    const existing = DashboardPanel.open.get(keyOf(ref));
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      `${ref.runId} — Dashboard`,
      vscode.ViewColumn.Active,
      webviewOptions(services.extensionUri),
    );
    new DashboardPanel(panel, services, ref, 'step');
  }

  static revive(panel: vscode.WebviewPanel, services: ExtensionServices, ref: RunRef, axis: DashboardAxis): void {
    const existing = DashboardPanel.open.get(keyOf(ref));
    if (existing) {
      // Two restored panels of one run: keep the first.
      panel.dispose();
      existing.panel.reveal();
      return;
    }
    panel.webview.options = webviewOptions(services.extensionUri);
    new DashboardPanel(panel, services, ref, axis);
  }

  /** Forwards a live worker message to the panel of its run, if one is open. */
  static forward(runsDir: string, runId: string, message: WorkerMessage): void {
    DashboardPanel.open.get(keyOf({ runsDir, runId }))?.feed.onWorkerMessage(message);
  }

  static disposeAll(): void {
    for (const panel of [...DashboardPanel.open.values()]) panel.panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: ExtensionServices,
    private readonly ref: RunRef,
    axis: DashboardAxis,
  ) {
    this.store = new RunStore(ref.runsDir);
    DashboardPanel.open.set(keyOf(ref), this);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'finetune.svg');
    const training: TrainingServiceApi = services.training;
    this.feed = new DashboardFeed({
      store: this.store,
      runId: ref.runId,
      axis,
      post: (message: DashboardDownMessage) => void panel.webview.postMessage(message),
      activity: () => training.activityOf(ref.runId),
      isStopping: () => training.isStopping(ref.runId),
      canCompare: async () => (await vscode.commands.getCommands(true)).includes(COMPARE_COMMAND),
      onRun: (run) => {
        panel.title = `${run.name} — Dashboard`;
      },
      onError: (error) => services.output.appendLine(`Dashboard of ${ref.runId}: ${describeError(error)}`),
    });
    panel.webview.html = renderWebviewHtml({
      webview: panel.webview,
      extensionUri: services.extensionUri,
      script: 'dashboard',
      styles: ['panel.css', 'dashboard.css'],
      title: `${ref.runId} — Dashboard`,
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        // The webview is destroyed while hidden; when shown again it says ready and gets a full snapshot.
        if (!panel.visible) this.feed.detach();
      }),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
    );
  }

  private dispose(): void {
    DashboardPanel.open.delete(keyOf(this.ref));
    this.feed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private receive(message: unknown): void {
    if (!isDashboardUpMessage(message)) {
      this.services.output.appendLine(`Dashboard of ${this.ref.runId}: ignored a malformed message from the webview.`);
      return;
    }
    this.handle(message).catch((error: unknown) => {
      void vscode.window.showErrorMessage(`Fine-Tune: ${describeError(error)}`);
    });
  }

  private async handle(message: DashboardUpMessage): Promise<void> {
    switch (message.type) {
      case 'dashboard/ready':
        return this.feed.attach();
      case 'dashboard/setAxis':
        this.feed.setAxis(message.payload.axis);
        return;
      case 'run/stop':
        return this.stop();
      case 'run/resume':
        return this.resume(0);
      case 'run/extend': {
        const epochs = message.payload.epochs ?? (await askExtraEpochs());
        if (epochs !== undefined) await this.resume(epochs);
        return;
      }
      case 'run/openFolder':
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(this.store.runDir(this.ref.runId)));
        return;
      case 'run/compare':
        await vscode.commands.executeCommand(COMPARE_COMMAND, { runsDir: this.ref.runsDir, runId: this.ref.runId });
        return;
      case 'log/open':
        await vscode.window.showTextDocument(vscode.Uri.file(this.store.paths(this.ref.runId).log), { preview: true });
        return;
    }
  }

  private async stop(): Promise<void> {
    const { training } = this.services;
    if (training.activityOf(this.ref.runId) === null) {
      const run = await this.store.readRun(this.ref.runId);
      if (run.status === 'running' && run.pid !== null) {
        void vscode.window.showInformationMessage(
          `Fine-Tune: run "${run.name}" is trained by another process (pid ${run.pid}), not by this window. Stop it there (Ctrl+C in its terminal).`,
        );
      }
      return this.feed.refresh();
    }
    training.stopRun(this.ref.runId);
    return this.feed.markStopRequested();
  }

  private async resume(extraEpochs: number): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Fine-Tune: training is disabled in untrusted workspaces. Trust the workspace to resume or extend runs.');
      return;
    }
    await this.services.training.resumeRun(this.ref.runsDir, this.ref.runId, extraEpochs);
    await this.feed.refresh();
  }
}

async function askExtraEpochs(): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    title: 'Extend the Run',
    prompt: 'How many more epochs to train',
    value: '3',
    validateInput: (text) => (isExtraEpochs(Number(text)) ? null : `A whole number from 1 to ${MAX_EXTRA_EPOCHS}.`),
  });
  return answer === undefined ? undefined : Number(answer);
}

async function openDashboard(services: ExtensionServices, arg: unknown): Promise<void> {
  const ref = isRunRef(arg) ? arg : await pickRun(services);
  if (ref) DashboardPanel.createOrShow(services, { runsDir: ref.runsDir, runId: ref.runId });
}

/** The command `finetune.run.openDashboard` (argument: a RunRef, else a QuickPick) and the panel serializer. */
export function registerDashboardPanel(services: ExtensionServices): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('finetune.run.openDashboard', (arg?: unknown) =>
      openDashboard(services, arg).catch((error: unknown) => {
        void vscode.window.showErrorMessage(`Fine-Tune: ${describeError(error)}`);
      }),
    ),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        if (!isDashboardViewState(state)) {
          // Closed before it knew its run: nothing to show.
          panel.dispose();
          return;
        }
        DashboardPanel.revive(panel, services, state.ref, state.axis);
      },
    }),
    services.training.onDidReceive((activity) => DashboardPanel.forward(activity.runsDir, activity.runId, activity.message)),
    { dispose: () => DashboardPanel.disposeAll() },
  );
}
