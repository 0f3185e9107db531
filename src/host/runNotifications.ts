// Notifications when a run ends: finished (with its headline test metric, "Open Dashboard",
// "Open Report"), failed (the reason, "Show Log"), stopped (a status-bar message).

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Evaluation } from '../protocol/runTypes';
import type { RunStore } from '../storage/runStore';
import { describeError } from '../engine/userError';
import { openDashboard } from './commands/openDashboard';
import type { RunRef } from './extensionServices';
import { showRunLog } from './showError';
import type { TrainingServiceApi } from './trainingServiceApi';

const OPEN_DASHBOARD = 'Open Dashboard';
const OPEN_REPORT = 'Open Report';
const SHOW_LOG = 'Show Log';

/** "test accuracy 0.912" or "test R² 0.874". */
export function headlineMetric(evaluation: Evaluation | null): string | null {
  if (!evaluation) return null;
  return evaluation.task === 'tabular-regression' ? `test R² ${evaluation.r2.toFixed(3)}` : `test accuracy ${evaluation.accuracy.toFixed(3)}`;
}

async function notifyCompleted(store: RunStore, ref: RunRef, output: vscode.OutputChannel): Promise<void> {
  const record = await store.readRun(ref.runId);
  const headline = headlineMetric(await store.readEvaluation(ref.runId).catch(() => null));
  const report = store.paths(ref.runId).report;
  const buttons = fs.existsSync(report) ? [OPEN_DASHBOARD, OPEN_REPORT] : [OPEN_DASHBOARD];
  const choice = await vscode.window.showInformationMessage(`Fine-tuning "${record.name}" finished${headline ? `: ${headline}` : ''}.`, ...buttons);
  if (choice === OPEN_DASHBOARD) await openDashboard(ref, output);
  if (choice === OPEN_REPORT) await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(report));
}

async function notifyFailed(store: RunStore, ref: RunRef, reason: string, output: vscode.OutputChannel): Promise<void> {
  const name = await store.readRun(ref.runId).then(
    (record) => record.name,
    () => ref.runId,
  );
  const choice = await vscode.window.showErrorMessage(`Fine-tuning "${name}" failed: ${reason}`, SHOW_LOG, OPEN_DASHBOARD);
  if (choice === SHOW_LOG) await showRunLog(output, ref);
  if (choice === OPEN_DASHBOARD) await openDashboard(ref, output);
}

export function registerRunNotifications(
  training: Pick<TrainingServiceApi, 'onDidReceive'>,
  storeFor: (runsDir: string) => RunStore,
  output: vscode.OutputChannel,
): vscode.Disposable {
  return training.onDidReceive(({ runsDir, runId, message }) => {
    const ref = { runsDir, runId };
    const store = storeFor(runsDir);
    let shown: Promise<void> | null = null;
    if (message.type === 'run/finished' && message.payload.status === 'completed') shown = notifyCompleted(store, ref, output);
    else if (message.type === 'run/failed') shown = notifyFailed(store, ref, message.payload.reason, output);
    else if (message.type === 'run/finished') {
      vscode.window.setStatusBarMessage('$(debug-pause) Fine-Tune: run stopped; Resume continues from its checkpoint.', 6000);
    }
    shown?.catch((error: unknown) => output.appendLine(`[${runId}] could not show the end of the run: ${describeError(error)}`));
  });
}
