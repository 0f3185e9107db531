// The Checkpoints view (finetune.checkpoints): runs that saved a checkpoint → their checkpoints
// (store.listCheckpoints), the best one starred. contextValue `checkpoint.best` / `checkpoint.other`.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRef } from '../host/extensionServices';
import type { RunRecord } from '../protocol/runTypes';
import type { RunsIndex } from './runsIndex';
import { shownStatus } from './runPresentation';
import { checkpointTreeItem } from './checkpointTreeItem';
import { runsFolderTreeItem, runTreeItem } from './runTreeItem';
import {
  ElementCache,
  refreshRunElements,
  runKey,
  type CheckpointElement,
  type RunActivityLookup,
  type RunElement,
  type RunsFolderElement,
} from './treeElements';

export type CheckpointsTreeElement = RunsFolderElement | RunElement | CheckpointElement;

export const CHECKPOINTS_VIEW_ID = 'finetune.checkpoints';

/** True when run.json says a checkpoint was saved (progress and best are written with checkpoints). */
export function hasSavedCheckpoint(record: RunRecord): boolean {
  return record.progress !== null || record.best !== null;
}

export class CheckpointsTreeProvider implements vscode.TreeDataProvider<CheckpointsTreeElement>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<CheckpointsTreeElement | CheckpointsTreeElement[] | undefined>();
  /** The run ids shown at the top, per runs folder, to tell whether a change is structural here. */
  private readonly shownIds = new Map<string, string>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly folderElements = new ElementCache<RunsFolderElement>();
  private readonly runElements = new ElementCache<RunElement>();
  private readonly checkpointElements = new ElementCache<CheckpointElement>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly index: RunsIndex,
    private readonly activity: RunActivityLookup,
    private readonly folderLabel: (runsDir: string) => string = (dir) => path.basename(path.dirname(path.dirname(dir))),
  ) {
    this.subscriptions = [
      index.onDidChange((change) => {
        if (change.structural || this.shownRunsChanged()) {
          this.emitter.fire(undefined);
          return;
        }
        const elements = refreshRunElements(change.changed, this.runElements, (ref) => index.cached(ref));
        if (elements.length > 0) this.emitter.fire(elements);
      }),
      index.onDidChangeRun((ref) => {
        const element = this.runElements.get(runKey(ref));
        if (element) this.emitter.fire(element);
      }),
    ];
  }

  getTreeItem(element: CheckpointsTreeElement): vscode.TreeItem {
    switch (element.kind) {
      case 'runsFolder':
        return runsFolderTreeItem(`checkpoints-folder:${element.runsDir}`, this.folderLabel(element.runsDir), element.runsDir);
      case 'run': {
        const { record } = element;
        const item = runTreeItem(
          `checkpoints-run:${runKey(element)}`,
          element,
          record,
          this.index.liveProgress(record.id),
          this.activity,
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.contextValue = `checkpointRun.${shownStatus(record, this.activity.activityOf(record.id))}`;
        // A click expands the run's checkpoints (the Runs view opens dashboards).
        item.command = undefined;
        return item;
      }
      case 'checkpoint':
        return checkpointTreeItem(`checkpoint:${runKey(element)}${path.sep}${element.checkpoint}`, element);
    }
  }

  async getChildren(element?: CheckpointsTreeElement): Promise<CheckpointsTreeElement[]> {
    if (!element) {
      const dirs = this.index.runsDirs();
      if (dirs.length === 1) return this.runsOf(dirs[0]);
      return dirs.map((runsDir) => this.folderElement(runsDir));
    }
    if (element.kind === 'runsFolder') return this.runsOf(element.runsDir);
    if (element.kind === 'run') return this.checkpointsOf(element);
    return [];
  }

  getParent(element: CheckpointsTreeElement): CheckpointsTreeElement | undefined {
    if (element.kind === 'runsFolder') return undefined;
    if (element.kind === 'checkpoint') return this.runElements.get(runKey(element));
    return this.index.runsDirs().length > 1 ? this.folderElement(element.runsDir) : undefined;
  }

  /** The element of a run (loading the listing if needed), for TreeView.reveal. */
  async elementFor(ref: RunRef): Promise<RunElement | undefined> {
    await this.runsOf(ref.runsDir);
    return this.runElements.get(runKey(ref));
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.emitter.dispose();
  }

  /** True when the runs with checkpoints are no longer those shown (a run saved its first one). */
  private shownRunsChanged(): boolean {
    for (const [runsDir, shown] of this.shownIds) {
      const now = this.index.listedIds(runsDir, hasSavedCheckpoint);
      if (now === null || now.join('\n') !== shown) return true;
    }
    return false;
  }

  private folderElement(runsDir: string): RunsFolderElement {
    return this.folderElements.keep(runsDir, () => ({ kind: 'runsFolder', runsDir }), () => undefined);
  }

  private async runsOf(runsDir: string): Promise<RunElement[]> {
    const records = (await this.index.runs(runsDir)).filter(hasSavedCheckpoint);
    this.shownIds.set(runsDir, records.map((record) => record.id).join('\n'));
    const kept = new Set<string>();
    const elements = records.map((record) => {
      const key = runKey({ runsDir, runId: record.id });
      kept.add(key);
      return this.runElements.keep(
        key,
        () => ({ kind: 'run', runsDir, runId: record.id, record }),
        (element) => {
          element.record = record;
        },
      );
    });
    this.runElements.prune(`${runsDir}${path.sep}`, kept);
    return elements;
  }

  private async checkpointsOf(run: RunElement): Promise<CheckpointElement[]> {
    let infos;
    try {
      infos = await this.index.storeFor(run.runsDir).listCheckpoints(run.runId);
    } catch {
      return []; // the run folder went away; the next refresh drops the run
    }
    const prefix = `${runKey(run)}${path.sep}`;
    const kept = new Set<string>();
    const elements = infos
      .map((info) => {
        const key = `${prefix}${info.name}`;
        kept.add(key);
        return this.checkpointElements.keep(
          key,
          () => ({ kind: 'checkpoint', runsDir: run.runsDir, runId: run.runId, checkpoint: info.name, info }),
          (element) => {
            element.info = info;
          },
        );
      });
    this.checkpointElements.prune(prefix, kept);
    return elements;
  }
}
