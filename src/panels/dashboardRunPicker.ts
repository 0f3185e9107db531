// "Open Dashboard" without an argument: a QuickPick of the runs of the workspace's runs folder.

import * as vscode from 'vscode';
import type { ExtensionServices, RunRef } from '../host/extensionServices';
import type { RunRecord } from '../protocol/runTypes';
import { RunStore } from '../storage/runStore';

interface RunPickItem extends vscode.QuickPickItem {
  ref: RunRef;
}

function describeRun(run: RunRecord): string {
  const parts: string[] = [run.status];
  if (run.best && Number.isFinite(run.best.value)) parts.push(`best ${run.best.metric} ${run.best.value.toFixed(4)}`);
  parts.push(run.config.technique);
  return parts.join(' · ');
}

export async function pickRun(services: ExtensionServices): Promise<RunRef | undefined> {
  const runsDir = services.runsDirFor();
  if (!runsDir) {
    void vscode.window.showInformationMessage('Fine-Tune: open a folder first; runs live in its .finetune/runs folder.');
    return undefined;
  }
  const store = new RunStore(runsDir);
  const runs = await store.listRuns({
    onProblem: (problem) => services.output.appendLine(`Skipped run folder ${problem.path}: ${problem.message}`),
  });
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(`Fine-Tune: there are no runs in ${runsDir} yet.`);
    return undefined;
  }
  const items: RunPickItem[] = runs.map((run) => ({
    label: run.name,
    description: describeRun(run),
    detail: `${run.id} · created ${new Date(run.createdAt).toLocaleString()}`,
    ref: { runsDir: store.runsDir, runId: run.id },
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Open the Dashboard of a Run',
    placeHolder: 'Choose a run',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.ref;
}
