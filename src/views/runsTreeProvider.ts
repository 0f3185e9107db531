// The Runs view (finetune.runs): every run of the workspace's runs folder(s), newest first, with a
// status icon, progress or best metric, and a config tooltip. contextValue `run.<status>` drives
// the context menus. Refreshes from the RunsIndex (file events, training events), debounced there.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRef } from '../host/extensionServices';
import type { RunsIndex } from './runsIndex';
import { shownStatus } from './runPresentation';
import { runsFolderTreeItem, runTreeItem } from './runTreeItem';
import { ElementCache, refreshRunElements, runKey, type RunActivityLookup, type RunElement, type RunsFolderElement } from './treeElements';

export type RunsTreeElement = RunsFolderElement | RunElement;

export const RUNS_VIEW_ID = 'finetune.runs';

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeElement>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RunsTreeElement | RunsTreeElement[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly runElements = new ElementCache<RunElement>();
  private readonly folderElements = new ElementCache<RunsFolderElement>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly index: RunsIndex,
    private readonly activity: RunActivityLookup,
    private readonly folderLabel: (runsDir: string) => string = (dir) => path.basename(path.dirname(path.dirname(dir))),
  ) {
    this.subscriptions = [
      index.onDidChange((change) => {
        if (change.structural) {
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

  getTreeItem(element: RunsTreeElement): vscode.TreeItem {
    if (element.kind === 'runsFolder') return runsFolderTreeItem(`runs-folder:${element.runsDir}`, this.folderLabel(element.runsDir), element.runsDir);
    const { record } = element;
    const item = runTreeItem(`run:${runKey(element)}`, element, record, this.index.liveProgress(record.id), this.activity);
    item.contextValue = `run.${shownStatus(record, this.activity.activityOf(record.id))}`;
    return item;
  }

  async getChildren(element?: RunsTreeElement): Promise<RunsTreeElement[]> {
    if (!element) {
      const dirs = this.index.runsDirs();
      if (dirs.length === 1) return this.runsOf(dirs[0]);
      return dirs.map((runsDir) => this.folderElement(runsDir));
    }
    if (element.kind === 'runsFolder') return this.runsOf(element.runsDir);
    return [];
  }

  getParent(element: RunsTreeElement): RunsTreeElement | undefined {
    if (element.kind === 'runsFolder') return undefined;
    return this.index.runsDirs().length > 1 ? this.folderElement(element.runsDir) : undefined;
  }

  /** The element of a run (loading the listing if needed), for TreeView.reveal. */
  async elementFor(ref: RunRef): Promise<RunElement | undefined> {
    await this.runsOf(ref.runsDir);
    return this.runElements.get(runKey(ref));
  }

  refresh(): void {
    this.index.refreshNow();
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.emitter.dispose();
  }

  private folderElement(runsDir: string): RunsFolderElement {
    return this.folderElements.keep(runsDir, () => ({ kind: 'runsFolder', runsDir }), () => undefined);
  }

  private async runsOf(runsDir: string): Promise<RunElement[]> {
    const records = await this.index.runs(runsDir);
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
}
