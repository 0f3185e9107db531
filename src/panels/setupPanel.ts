// "Fine-tune a Model on This Dataset…" (finetune.dataset.fineTune): opens the setup panel of a
// dataset file (from the Explorer, the editor title, or the Command Palette with an open dialog),
// and brings setup panels back after a reload (WebviewPanelSerializer of 'finetune.setup').

import * as vscode from 'vscode';
import { isSetupPersistedState, SETUP_VIEW_TYPE } from '../protocol/setupPanelProtocol';
import type { ExtensionServices } from '../host/extensionServices';
import { disposeModelDescriber } from './describeModel';
import { SetupPanelSession } from './setupPanelSession';

const DATASET_EXTENSIONS = ['csv', 'tsv', 'jsonl', 'json'];

export const UNTRUSTED_MESSAGE =
  'Fine-tuning is disabled in untrusted workspaces: training reads your data and runs code on it. Trust this workspace (Workspaces: Manage Workspace Trust) to fine-tune.';

function isDatasetFile(uri: vscode.Uri): boolean {
  const ext = uri.path.split('.').pop()?.toLowerCase() ?? '';
  return DATASET_EXTENSIONS.includes(ext);
}

async function pickDatasetFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    openLabel: 'Fine-tune on This Dataset',
    title: 'Choose a dataset to fine-tune a model on',
    filters: { Datasets: DATASET_EXTENSIONS },
  });
  return picked?.[0];
}

/** The command: the file it was invoked on, the active editor's dataset, or one chosen in a dialog. */
async function openSetupPanel(services: ExtensionServices, arg: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
    return;
  }
  const fromArg = arg instanceof vscode.Uri ? arg : undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  const file = fromArg ?? (active && active.scheme === 'file' && isDatasetFile(active) ? active : undefined) ?? (await pickDatasetFile());
  if (!file) return;
  if (file.scheme !== 'file') {
    void vscode.window.showWarningMessage(`Fine-Tune reads datasets from local files; ${file.toString()} is not one.`);
    return;
  }
  if (!isDatasetFile(file)) {
    void vscode.window.showWarningMessage(`Fine-Tune reads .csv, .tsv, .jsonl and .json datasets; ${file.fsPath} is none of these.`);
    return;
  }
  SetupPanelSession.createOrShow(services, file);
}

export function registerSetupPanel(services: ExtensionServices): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('finetune.dataset.fineTune', (arg: unknown) => openSetupPanel(services, arg)),
    vscode.window.registerWebviewPanelSerializer(SETUP_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        if (!isSetupPersistedState(state)) {
          panel.dispose();
          return;
        }
        SetupPanelSession.revive(services, panel, vscode.Uri.file(state.datasetPath), state.options);
      },
    }),
    { dispose: () => SetupPanelSession.disposeAll() },
    { dispose: () => disposeModelDescriber(services) },
  );
}
