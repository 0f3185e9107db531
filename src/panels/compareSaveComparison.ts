// "Save Comparison" of the comparison panel: a Markdown report of the runs as shown (order, Only
// Differences, evaluation), written where the user says (default `<workspace>/comparison-<date>.md`)
// with its curve pictures beside it, then shown in the Markdown preview.

import * as vscode from 'vscode';
import { renderComparisonReport } from '../engine/evaluation/comparisonReport';
import type { CompareSession } from './compareSession';
import { defaultReportName, reportImageBase, reportTitle } from './compareReportFile';

export async function saveComparison(session: CompareSession): Promise<void> {
  const shown = session.comparisonInputs();
  if (!shown) {
    void vscode.window.showInformationMessage('Fine-Tune: there are no runs to save yet.');
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri;
  const name = defaultReportName(new Date());
  const target = await vscode.window.showSaveDialog({
    title: 'Save the Comparison as a Markdown Report',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { Markdown: ['md'] },
    saveLabel: 'Save Comparison',
  });
  if (!target) return;
  const report = renderComparisonReport(shown.inputs, {
    onlyDifferences: shown.onlyDifferences,
    imageBase: reportImageBase(target.path),
    title: reportTitle(shown.inputs.length, shown.evaluation),
    generatedAt: new Date().toISOString(),
  });
  const dir = target.with({ path: target.path.slice(0, target.path.lastIndexOf('/')) || '/' });
  for (const [file, svg] of Object.entries(report.svgs)) {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, file), Buffer.from(svg, 'utf8'));
  }
  await vscode.workspace.fs.writeFile(target, Buffer.from(report.markdown, 'utf8'));
  await vscode.commands.executeCommand('markdown.showPreview', target);
}
