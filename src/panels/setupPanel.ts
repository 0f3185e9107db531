// "Fine-tune a Model on This Dataset…" (finetune.dataset.fineTune): opens the setup panel of a
// dataset file (from the Explorer, the editor title, or the Command Palette with an open dialog);
// "Fine-tune a Model on This Image Folder…" (finetune.dataset.fineTuneImages): the same panel for a
// folder with one sub-folder of images per class (checked first); and brings setup panels back
// after a reload (WebviewPanelSerializer of 'finetune.setup').

import * as vscode from 'vscode';
import { isSetupPersistedState, SETUP_VIEW_TYPE } from '../protocol/setupPanelProtocol';
import type { ExtensionServices } from '../host/extensionServices';
import { disposeModelDescriber } from './describeModel';
import { checkImageFolder } from './imageFolderData';
import { disposeDeviceProbe } from './setupDevice';
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

async function pickImageFolder(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Fine-tune on This Image Folder',
    title: 'Choose a folder of images with one sub-folder per class (e.g. cats/1.jpg, dogs/2.jpg)',
  });
  return picked?.[0];
}

async function isFolderUri(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
  } catch {
    return false;
  }
}

/** The image folder command: the folder it was invoked on (Explorer) or one chosen in a dialog, checked for class sub-folders of images. */
async function openImageFolderPanel(services: ExtensionServices, arg: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
    return;
  }
  const folder = (arg instanceof vscode.Uri ? arg : undefined) ?? (await pickImageFolder());
  if (!folder) return;
  if (folder.scheme !== 'file') {
    void vscode.window.showWarningMessage(`Fine-Tune reads datasets from local folders; ${folder.toString()} is not one.`);
    return;
  }
  const check = await checkImageFolder(folder.fsPath);
  if (!check.ok) {
    void vscode.window.showWarningMessage(`Fine-Tune: ${check.reason}`);
    return;
  }
  SetupPanelSession.createOrShow(services, folder);
}

/** The command: the file it was invoked on, the active editor's dataset, or one chosen in a dialog. */
async function openSetupPanel(services: ExtensionServices, arg: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
    return;
  }
  const fromArg = arg instanceof vscode.Uri ? arg : undefined;
  // A folder is an image dataset: the image folder command checks it.
  if (fromArg && fromArg.scheme === 'file' && (await isFolderUri(fromArg))) return openImageFolderPanel(services, fromArg);
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
    vscode.commands.registerCommand('finetune.dataset.fineTuneImages', (arg: unknown) => openImageFolderPanel(services, arg)),
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
    { dispose: () => disposeDeviceProbe(services) },
  );
}
