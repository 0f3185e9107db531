// The sidebar's two tree views over one RunsIndex, refreshed from file events on the runs
// folder(s) and from the training service; the Runs view's badge counts active runs.

import * as vscode from 'vscode';
import type { RunStore } from '../storage/runStore';
import type { RunRef } from '../host/extensionServices';
import type { TrainingService } from '../host/trainingService';
import { CHECKPOINTS_VIEW_ID, CheckpointsTreeProvider } from './checkpointsTreeProvider';
import { RunsIndex } from './runsIndex';
import { RUNS_VIEW_ID, RunsTreeProvider } from './runsTreeProvider';
import { RunsWatcher } from './runsWatcher';

export interface RunViews extends vscode.Disposable {
  /** Reloads both trees now. */
  refresh(): void;
  /** Selects a run in the Runs view (showing the view). */
  revealRun(ref: RunRef): Promise<void>;
  /** The runs the Runs view shows, as its tree provider returns them (under each runs folder group). */
  shownRuns(): Promise<RunRef[]>;
}

export interface RunViewsOptions {
  runsDirs(): string[];
  storeFor(runsDir: string): RunStore;
  training: TrainingService;
  folderLabel(runsDir: string): string;
}

export function createRunViews(options: RunViewsOptions): RunViews {
  const { training } = options;
  const index = new RunsIndex({
    runsDirs: options.runsDirs,
    storeFor: options.storeFor,
    training,
    activeRuns: () => [...training.runningRuns(), ...training.queuedRuns()],
  });
  const watcher = new RunsWatcher(options.runsDirs, () => index.invalidate());
  const runsProvider = new RunsTreeProvider(index, training, options.folderLabel);
  const checkpointsProvider = new CheckpointsTreeProvider(index, training, options.folderLabel);
  const runsView = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: runsProvider, canSelectMany: true });
  const checkpointsView = vscode.window.createTreeView(CHECKPOINTS_VIEW_ID, { treeDataProvider: checkpointsProvider, showCollapseAll: true });
  const updateBadge = (): void => {
    const running = training.runningRuns().length;
    const queued = training.queuedRuns().length;
    runsView.badge =
      running + queued > 0 ? { value: running + queued, tooltip: `${running} training${queued > 0 ? `, ${queued} queued` : ''}` } : undefined;
  };
  const queueSubscription = training.onDidChangeQueue(updateBadge);
  return {
    refresh: () => void index.refreshNow(),
    revealRun: async (ref) => {
      await index.refreshNow();
      const element = await runsProvider.elementFor(ref);
      if (element) await runsView.reveal(element, { select: true, focus: false });
    },
    shownRuns: async () => {
      const runs: RunRef[] = [];
      for (const element of await runsProvider.getChildren()) {
        const children = element.kind === 'runsFolder' ? await runsProvider.getChildren(element) : [element];
        for (const child of children) if (child.kind === 'run') runs.push({ runsDir: child.runsDir, runId: child.runId });
      }
      return runs;
    },
    dispose: () => {
      queueSubscription.dispose();
      runsView.dispose();
      checkpointsView.dispose();
      runsProvider.dispose();
      checkpointsProvider.dispose();
      watcher.dispose();
      index.dispose();
    },
  };
}
