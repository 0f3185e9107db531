// Composition only: create services, register views, commands and panels, one root disposable.
// Activation is lazy (commands and views activate the extension); nothing heavy happens here.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionServices, RunRef } from './host/extensionServices';
import { registerRunCommands } from './host/commands/registerRunCommands';
import { DatasetDiagnosticsWatcher } from './host/datasetDiagnosticsWatcher';
import { registerRunNotifications } from './host/runNotifications';
import { registerModelDownloadNotifications } from './host/modelDownloadNotifications';
import { RunStores } from './host/runStores';
import { allRunsDirs, runsDirFor, runsDirLabel } from './host/runsLocation';
import { TrainingService } from './host/trainingService';
import type { TrainingServiceApi } from './host/trainingServiceApi';
import { readEngineSettings } from './host/engineSettings';
import { TrainingStatusBar } from './host/trainingStatusBar';
import { registerComparePanel } from './panels/comparePanel';
import { registerDashboardPanel } from './panels/dashboardPanel';
import { registerSetupPanel } from './panels/setupPanel';
import { createRunViews } from './views/runViews';

let training: TrainingService | undefined;

/** What `activate` returns (the extension's exports): used by the integration tests in test/integration. */
export interface FineTuneApi {
  readonly training: TrainingServiceApi;
  runsDirFor(resource?: vscode.Uri): string | null;
  /** The runs the Runs view shows (its tree provider's elements). */
  shownRuns(): Promise<RunRef[]>;
}

export function activate(context: vscode.ExtensionContext): FineTuneApi {
  const output = vscode.window.createOutputChannel('Fine-Tune');
  const stores = new RunStores((problem) => output.appendLine(`Skipped run folder ${problem.path}: ${problem.message}`));
  const storeFor = (runsDir: string) => stores.storeFor(runsDir);
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath;
  // Workers and CLI children get the model cache (global storage), mirror and offline settings too.
  const settings = () => readEngineSettings(context);
  const service = new TrainingService({
    workerScript: path.join(dist, 'worker.js'),
    storeFor,
    settings,
    log: (line) => output.appendLine(line),
    isTrusted: () => vscode.workspace.isTrusted,
  });
  training = service;
  const services: ExtensionServices = { context, extensionUri: context.extensionUri, training: service, output, runsDirFor };
  const views = createRunViews({ runsDirs: allRunsDirs, storeFor, training: service, folderLabel: runsDirLabel });
  context.subscriptions.push(
    vscode.Disposable.from(
      registerSetupPanel(services),
      registerDashboardPanel(services),
      registerComparePanel(services),
      registerRunCommands({
        services,
        training: service,
        storeFor,
        settings,
        cliScript: path.join(dist, 'cli.js'),
        refresh: () => views.refresh(),
        revealRun: (ref) => views.revealRun(ref),
      }),
      views,
      new TrainingStatusBar(service, storeFor),
      registerRunNotifications(service, storeFor, output),
      registerModelDownloadNotifications(service),
      new DatasetDiagnosticsWatcher(),
      service,
      output,
    ),
  );
  return { training: service, runsDirFor, shownRuns: () => views.shownRuns() };
}

/** Running workers are asked to stop (checkpoint, then exit); queued runs go back to their previous status. */
export async function deactivate(): Promise<void> {
  const service = training;
  training = undefined;
  await service?.shutdown();
}
