// finetune.dataset.quickStart: the keyboard path without the setup panel. Inspect the dataset,
// pick the base model (the setup panel's choices, the task's default first, catalog models
// included) and the technique, start with defaults.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectDataset } from '../../engine/data/inspectDataset';
import { makeTrainConfig } from '../../engine/training/trainDefaults';
import type { TaskKind } from '../../protocol/datasetTypes';
import { modelPickRows } from '../../panels/modelPickItems';
import { modelChoices } from '../../panels/setupModels';
import { readModelZooSettings } from '../engineSettings';
import { hostZooSettings, mirrorProblem } from '../modelZooSettings';
import { UserError } from '../../engine/userError';
import { requireTrust } from '../workspaceTrust';
import type { CommandDeps } from './commandDeps';
import { openDashboard } from './openDashboard';
import { techniqueItems } from './techniqueChoices';

const DATASET_EXTENSIONS = ['csv', 'tsv', 'jsonl', 'json'];

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

/** The base model: the setup panel's choices for this task (catalog models included), or a folder. */
async function pickModel(deps: CommandDeps, task: TaskKind | null, title: string): Promise<string | undefined> {
  const settings = readModelZooSettings(deps.services.context);
  const zoo = hostZooSettings(settings);
  const { choices } = await modelChoices(task, 'auto', zoo);
  const choice = await vscode.window.showQuickPick(modelPickRows(choices), { title, placeHolder: 'Base model', matchOnDetail: true });
  if (!choice) return undefined;
  let model = choice.model;
  if (model === null) {
    const folder = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Use This Model' });
    model = folder?.[0]?.fsPath ?? null;
    if (model === null) return undefined;
  }
  // What the setup panel would show as the model's problem (no weights in the folder, a catalog
  // model while offline, a bad mirror for a download) stops here, before a run is created.
  const checked = await modelChoices(task, model, zoo);
  const needsDownload = checked.choices.find((c) => c.value === model)?.download ?? null;
  const problem = checked.problem ?? (needsDownload !== null ? mirrorProblem(settings) : null);
  if (problem !== null) throw new UserError(problem);
  return model;
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
  const model = await pickModel(deps, inspection.task, `${title} (1/2)`);
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
