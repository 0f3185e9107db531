// The services every part of the extension host receives (composition happens in extension.ts).

import type * as vscode from 'vscode';
import type { TrainingServiceApi } from './trainingServiceApi';

/** Identifies one run: the runs folder it lives in and its id. Tree elements and command arguments carry it. */
export interface RunRef {
  runsDir: string;
  runId: string;
}

/** Identifies one checkpoint of a run. */
export interface CheckpointRef extends RunRef {
  checkpoint: string;
}

export interface ExtensionServices {
  context: vscode.ExtensionContext;
  extensionUri: vscode.Uri;
  training: TrainingServiceApi;
  output: vscode.OutputChannel;
  /** The runs folder of a workspace folder (setting fineTune.runsFolder), or of the first workspace folder; null without a workspace. */
  runsDirFor(resource?: vscode.Uri): string | null;
}

/** Narrows a command argument to a RunRef (tree elements and panels pass these). */
export function isRunRef(value: unknown): value is RunRef {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.runsDir === 'string' && typeof v.runId === 'string';
}

export function isCheckpointRef(value: unknown): value is CheckpointRef {
  return isRunRef(value) && typeof (value as unknown as Record<string, unknown>).checkpoint === 'string';
}
