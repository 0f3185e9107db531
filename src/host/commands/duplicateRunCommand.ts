// finetune.run.duplicate ("Duplicate with Changes…"): technique, epochs and learning rate in three
// short steps, then a new run on the same dataset with the config otherwise unchanged.

import * as vscode from 'vscode';
import type { TechniqueName, TrainConfig } from '../../protocol/configTypes';
import { defaultEpochs, defaultLearningRate } from '../../engine/training/trainDefaults';
import type { RunRef } from '../extensionServices';
import { requireTrust } from '../workspaceTrust';
import type { CommandDeps } from './commandDeps';
import { parseEpochs, parseLearningRate, validateEpochs, validateLearningRate } from './inputValidation';
import { openDashboard } from './openDashboard';
import { techniqueItems } from './techniqueChoices';

/** Epochs and learning rate for a new technique: the old values unless they were the old technique's defaults. */
export function suggestedHyperParameters(config: TrainConfig, technique: TechniqueName): { epochs: number; learningRate: number } {
  const keepEpochs = config.epochs !== defaultEpochs(config.technique, config.model);
  const keepRate = config.learningRate !== defaultLearningRate(config.technique, config.model);
  return {
    epochs: keepEpochs ? config.epochs : defaultEpochs(technique, config.model),
    learningRate: keepRate ? config.learningRate : defaultLearningRate(technique, config.model),
  };
}

export async function duplicateRun(deps: CommandDeps, ref: RunRef): Promise<void> {
  if (!requireTrust('Starting a run')) return;
  const record = await deps.storeFor(ref.runsDir).readRun(ref.runId);
  const { config } = record;
  const title = `Duplicate "${record.name}" with Changes`;
  const technique = await vscode.window.showQuickPick(techniqueItems(config.technique, 'current'), {
    title: `${title} (1/3)`,
    placeHolder: 'Technique of the new run',
  });
  if (!technique) return;
  const suggested = suggestedHyperParameters(config, technique.technique);
  const epochsText = await vscode.window.showInputBox({
    title: `${title} (2/3)`,
    prompt: 'Epochs',
    value: String(suggested.epochs),
    validateInput: validateEpochs,
  });
  const epochs = epochsText === undefined ? null : parseEpochs(epochsText);
  if (epochs === null) return;
  const rateText = await vscode.window.showInputBox({
    title: `${title} (3/3)`,
    prompt: 'Learning rate',
    value: String(suggested.learningRate),
    validateInput: validateLearningRate,
  });
  const learningRate = rateText === undefined ? null : parseLearningRate(rateText);
  if (learningRate === null) return;
  const runId = await deps.training.startRun(ref.runsDir, { ...config, technique: technique.technique, epochs, learningRate });
  deps.refresh();
  await openDashboard({ runsDir: ref.runsDir, runId }, deps.services.output);
}
