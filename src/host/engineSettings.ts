// The settings every engine child process of this window is launched with: the training settings
// (fineTune.backend, nodePath, allowSoftwareGpu, …) plus the model cache in the extension's global
// storage and the mirror / offline settings (see modelZooSettings.ts).

import * as vscode from 'vscode';
import { parseModelZooSettings, type ModelZooSettings } from './modelZooSettings';
import { readTrainingSettings, type TrainingSettings } from './trainingSettings';

export function readModelZooSettings(context: Pick<vscode.ExtensionContext, 'globalStorageUri'>): ModelZooSettings {
  const config = vscode.workspace.getConfiguration('fineTune');
  return parseModelZooSettings((key) => config.get(key), context.globalStorageUri.fsPath);
}

export function readEngineSettings(context: Pick<vscode.ExtensionContext, 'globalStorageUri'>): TrainingSettings {
  return { ...readTrainingSettings(), zoo: readModelZooSettings(context) };
}
