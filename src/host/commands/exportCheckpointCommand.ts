// finetune.checkpoint.export: the formats the engine writes (TF.js Layers; with LoRA merged for
// LoRA runs) into a new folder inside one the user picks, by `finetune export` in a child process.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../protocol/runTypes';
import { runCliCommand } from '../cliProcess';
import type { CheckpointRef } from '../extensionServices';
import { requireTrust } from '../workspaceTrust';
import type { CommandDeps } from './commandDeps';
import { revealPath } from './revealRunCommand';

interface FormatItem extends vscode.QuickPickItem {
  merge: boolean;
}

export function exportFormats(record: RunRecord): FormatItem[] {
  const formats: FormatItem[] = [
    { label: 'TF.js Layers', detail: 'model.json and weights, with preprocessing.json (and the word index of text models).', merge: false },
  ];
  if (record.config.technique === 'lora') {
    formats.push({ label: 'TF.js Layers with LoRA merged', detail: 'LoRA folded into the base weights: a plain model with the same predictions.', merge: true });
  }
  return formats;
}

/** The folder created inside the chosen one: `<runId>-<checkpoint>-tfjs[-merged]`. */
export function exportFolderName(runId: string, checkpoint: string, merge: boolean): string {
  return `${runId}-${checkpoint}-tfjs${merge ? '-merged' : ''}`;
}

export async function exportCheckpoint(deps: CommandDeps, ref: CheckpointRef): Promise<void> {
  if (!requireTrust('Exporting a model')) return;
  const store = deps.storeFor(ref.runsDir);
  const record = await store.readRun(ref.runId);
  const format = await vscode.window.showQuickPick(exportFormats(record), { title: `Export "${record.name}" (${ref.checkpoint})`, placeHolder: 'Format' });
  if (!format) return;
  const parent = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(store.runDir(ref.runId));
  const picked = await vscode.window.showOpenDialog({
    title: 'Folder to export into (a new folder is created inside it)',
    openLabel: 'Export Here',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: parent,
  });
  const folder = picked?.[0]?.fsPath;
  if (!folder) return;
  const out = path.join(folder, exportFolderName(ref.runId, ref.checkpoint, format.merge));
  if (fs.existsSync(out)) {
    const REPLACE = 'Replace';
    const choice = await vscode.window.showWarningMessage(`${out} exists already.`, { modal: true, detail: 'Its model files are overwritten.' }, REPLACE);
    if (choice !== REPLACE) return;
  }
  const args = ['export', '--format', 'tfjs', ...(format.merge ? ['--merge'] : []), '--out', out, '--checkpoint', ref.checkpoint, '--runs-dir', ref.runsDir, '--', ref.runId];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exporting "${record.name}" (${ref.checkpoint})…`, cancellable: true },
    (_progress, token) => runCliCommand({ cliScript: deps.cliScript, settings: deps.settings(), cwd: store.runDir(ref.runId), token }, args),
  );
  deps.services.output.appendLine(`[${ref.runId}] exported ${ref.checkpoint} (${format.label}) to ${out}`);
  const REVEAL = 'Reveal';
  if ((await vscode.window.showInformationMessage(`Exported "${record.name}" (${format.label}) to ${out}.`, REVEAL)) === REVEAL) await revealPath(out);
}
