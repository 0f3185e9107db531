// finetune.dataset.quickStart: the keyboard path without the setup panel. Inspect the dataset,
// pick the base model (the task's default first) and the technique, start with defaults.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectDataset } from '../../engine/data/inspectDataset';
import { defaultModelFor, makeTrainConfig } from '../../engine/training/trainDefaults';
import { UserError } from '../../engine/userError';
import { requireTrust } from '../workspaceTrust';
import type { CommandDeps } from './commandDeps';
import { openDashboard } from './openDashboard';
import { techniqueItems } from './techniqueChoices';

const DATASET_EXTENSIONS = ['csv', 'tsv', 'jsonl', 'json'];

interface ModelItem extends vscode.QuickPickItem {
  model: string | null;
}

function isDatasetUri(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && uri.scheme === 'file' && DATASET_EXTENSIONS.includes(path.extname(uri.fsPath).slice(1).toLowerCase());
}

async function pickDataset(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Fine-tune a model on a dataset',
    openLabel: 'Fine-tune',
    canSelectMany: false,
    filters: { Datasets: DATASET_EXTENSIONS },
  });
  return picked?.[0];
}

async function pickModel(task: string | null, title: string): Promise<string | undefined> {
  const fallback = defaultModelFor(task);
  const items: ModelItem[] = [
    {
      label: fallback,
      description: 'default',
      detail: fallback === 'nn-sentiment' ? 'Keras BiGRU text classifier (embedded), new head for your classes.' : 'A small MLP built for your columns, trained from scratch.',
      model: fallback,
    },
    { label: '$(folder) TF.js Layers model folder…', detail: 'A folder with model.json and weight shards.', model: null },
  ];
  const choice = await vscode.window.showQuickPick(items, { title, placeHolder: 'Base model' });
  if (!choice) return undefined;
  if (choice.model !== null) return choice.model;
  const folder = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Use This Model' });
  return folder?.[0]?.fsPath;
}

export async function quickStart(deps: CommandDeps, arg: unknown): Promise<void> {
  if (!requireTrust('Training')) return;
  const given = arg instanceof vscode.Uri ? arg : undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  const target = given ?? (isDatasetUri(active) ? active : await pickDataset());
  if (!target) return;
  const runsDir = deps.services.runsDirFor(target);
  if (!runsDir) throw new UserError('Open a folder first: runs are stored in the workspace (setting fineTune.runsFolder, default .finetune/runs).');
  const file = target.fsPath;
  const inspection = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Inspecting ${path.basename(file)}` },
    () => inspectDataset(file),
  );
  if (!inspection.task || !inspection.label) {
    throw new UserError(`No label column could be chosen in ${path.basename(file)}: ${inspection.labelReason}`, {
      hint: 'Use the setup panel (Fine-tune a Model on This Dataset…) to choose the label column.',
    });
  }
  const title = `Fine-tune on ${path.basename(file)}: ${inspection.task}, label "${inspection.label}", ${inspection.rows.toLocaleString('en')} rows`;
  const model = await pickModel(inspection.task, `${title} (1/2)`);
  if (!model) return;
  const technique = await vscode.window.showQuickPick(techniqueItems(deps.settings().defaultTechnique, 'default'), {
    title: `${title} (2/2)`,
    placeHolder: 'Technique (training starts with the defaults)',
  });
  if (!technique) return;
  const config = makeTrainConfig(file, { technique: technique.technique, model });
  const runId = await deps.training.startRun(runsDir, config);
  deps.refresh();
  await deps.revealRun({ runsDir, runId });
  await openDashboard({ runsDir, runId }, deps.services.output);
}
