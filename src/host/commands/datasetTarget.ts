// The dataset file a dataset command works on: the Explorer item it was invoked on, else the
// active editor's file when it is a dataset, else one the user picks.

import * as path from 'node:path';
import * as vscode from 'vscode';

export const DATASET_EXTENSIONS = ['csv', 'tsv', 'jsonl', 'json'];

export function isDatasetUri(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && uri.scheme === 'file' && DATASET_EXTENSIONS.includes(path.extname(uri.fsPath).slice(1).toLowerCase());
}

/** The dataset to use, or undefined when the user cancels the file picker. */
export async function datasetTarget(arg: unknown, pickTitle: string, openLabel: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (isDatasetUri(active)) return active;
  const picked = await vscode.window.showOpenDialog({
    title: pickTitle,
    openLabel,
    canSelectMany: false,
    filters: { Datasets: DATASET_EXTENSIONS },
  });
  return picked?.[0];
}
