// The TreeItem of a checkpoint: star for the best one, epoch, step and metric in the description.

import * as vscode from 'vscode';
import { checkpointDescription, escapeMarkdown, formatBytes, formatMetric } from './runPresentation';
import type { CheckpointElement } from './treeElements';

export function checkpointTreeItem(id: string, element: CheckpointElement): vscode.TreeItem {
  const { info } = element;
  const item = new vscode.TreeItem(info.name, vscode.TreeItemCollapsibleState.None);
  item.id = id;
  item.description = checkpointDescription(info.state, info.isBest);
  item.iconPath = info.isBest
    ? new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow'))
    : new vscode.ThemeIcon('save');
  item.contextValue = info.isBest ? 'checkpoint.best' : 'checkpoint.other';
  const lines = [`**${escapeMarkdown(info.name)}**${info.isBest ? ' · best' : ''}`, ''];
  if (info.state) {
    lines.push(`Epoch ${info.state.epoch}${info.state.batchInEpoch > 0 ? ` (+${info.state.batchInEpoch} batches)` : ''}, step ${info.state.step}`);
    if (info.state.value !== null) lines.push('', `Validation ${escapeMarkdown(formatMetric(info.state.metric, info.state.value))}`);
    lines.push('', `Saved ${escapeMarkdown(new Date(info.state.time).toLocaleString())}`);
  }
  lines.push('', `Size ${escapeMarkdown(formatBytes(info.bytes))}`);
  item.tooltip = new vscode.MarkdownString(lines.join('\n'));
  item.accessibilityInformation = { label: `checkpoint ${info.name}, ${item.description}` };
  return item;
}
