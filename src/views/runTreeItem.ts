// The TreeItem of a run (in both trees) and of a runs folder.

import * as vscode from 'vscode';
import type { RunRecord, RunStatus } from '../protocol/runTypes';
import type { RunRef } from '../host/extensionServices';
import { runDescription, runTooltipMarkdown, shownStatus, STATUS_LOOKS, type LiveProgress } from './runPresentation';
import type { RunActivityLookup } from './treeElements';

export const OPEN_DASHBOARD_COMMAND = 'finetune.run.openDashboard';

export function statusIcon(status: RunStatus): vscode.ThemeIcon {
  const look = STATUS_LOOKS[status];
  return new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color));
}

export function runTreeItem(
  id: string,
  ref: RunRef,
  record: RunRecord,
  live: LiveProgress | null,
  activity: RunActivityLookup,
  collapsible: vscode.TreeItemCollapsibleState = vscode.TreeItemCollapsibleState.None,
): vscode.TreeItem {
  const status = shownStatus(record, activity.activityOf(record.id));
  const description = runDescription({ ...record, status }, live, { stopping: activity.isStopping(record.id) });
  const item = new vscode.TreeItem(record.name, collapsible);
  item.id = id;
  item.description = description;
  item.iconPath = statusIcon(status);
  const tooltip = new vscode.MarkdownString(runTooltipMarkdown(record, status));
  tooltip.supportThemeIcons = false;
  item.tooltip = tooltip;
  item.accessibilityInformation = { label: `${record.name}, ${STATUS_LOOKS[status].label}, ${description}` };
  item.command = { command: OPEN_DASHBOARD_COMMAND, title: 'Open Dashboard', arguments: [{ runsDir: ref.runsDir, runId: ref.runId }] };
  return item;
}

export function runsFolderTreeItem(id: string, label: string, runsDir: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = id;
  item.iconPath = new vscode.ThemeIcon('folder');
  item.tooltip = runsDir;
  item.contextValue = 'runsFolder';
  return item;
}
