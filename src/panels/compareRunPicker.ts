// The multi-select QuickPick of runs for the comparison panel: from the Command Palette, from a
// dashboard's "Compare with…", and from the panel's "Add Runs…". Runs of every runs folder of the
// workspace; runs already shown are left out; runs on the same dataset as the `anchor` come first.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../host/extensionServices';
import { allRunsDirs, runsDirLabel } from '../host/runsLocation';
import { sameRef, type CompareRunRef } from '../protocol/comparePanelProtocol';
import type { RunRecord } from '../protocol/runTypes';
import { RunStore } from '../storage/runStore';

interface RunPickItem extends vscode.QuickPickItem {
  ref: CompareRunRef;
}

export interface PickRunsOptions {
  title: string;
  placeHolder: string;
  /** Runs not offered (already in the panel). */
  exclude: readonly CompareRunRef[];
  /** A run the others are compared with: runs on its dataset are listed first. */
  anchor?: CompareRunRef;
}

function describeRun(run: RunRecord): string {
  const parts: string[] = [run.status, run.config.technique];
  if (run.best && Number.isFinite(run.best.value)) parts.push(`best ${run.best.metric} ${run.best.value.toFixed(4)}`);
  return parts.join(' · ');
}

interface Listed {
  ref: CompareRunRef;
  run: RunRecord;
  folder: string;
}

async function listAllRuns(services: ExtensionServices): Promise<Listed[]> {
  const listed: Listed[] = [];
  for (const runsDir of allRunsDirs()) {
    const store = new RunStore(runsDir);
    const runs = await store.listRuns({
      onProblem: (problem) => services.output.appendLine(`Skipped run folder ${problem.path}: ${problem.message}`),
    });
    for (const run of runs) listed.push({ ref: { runsDir: store.runsDir, runId: run.id }, run, folder: runsDirLabel(store.runsDir) });
  }
  return listed;
}

/** The runs the user picked; undefined when the pick was dismissed. */
export async function pickRuns(services: ExtensionServices, options: PickRunsOptions): Promise<CompareRunRef[] | undefined> {
  const all = await listAllRuns(services);
  const anchorRef = options.anchor;
  const anchor = anchorRef ? all.find((l) => sameRef(l.ref, anchorRef)) : undefined;
  const candidates = all.filter((l) => !options.exclude.some((ref) => sameRef(ref, l.ref)));
  if (candidates.length === 0) {
    const where = all.length === 0 ? 'there are no runs in this workspace yet' : 'every run of this workspace is already in the comparison';
    void vscode.window.showInformationMessage(`Fine-Tune: ${where}.`);
    return undefined;
  }
  const fingerprint = anchor?.run.dataset?.fingerprint;
  const sameDataset = (l: Listed): boolean => fingerprint !== undefined && l.run.dataset?.fingerprint === fingerprint;
  const ordered = [...candidates.filter(sameDataset), ...candidates.filter((l) => !sameDataset(l))];
  const multiFolder = new Set(all.map((l) => l.ref.runsDir)).size > 1;
  const items: RunPickItem[] = ordered.map((l) => ({
    label: l.run.name,
    description: `${describeRun(l.run)}${sameDataset(l) ? ' · same dataset' : ''}`,
    detail: [l.run.id, path.basename(l.run.dataset?.path ?? l.run.config.datasetPath), multiFolder ? l.folder : ''].filter((p) => p !== '').join(' · '),
    ref: l.ref,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: options.title,
    placeHolder: options.placeHolder,
    canPickMany: true,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.map((item) => item.ref);
}
