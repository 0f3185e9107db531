// Dataset problems as diagnostics in the Problems panel, at their line.

import * as vscode from 'vscode';
import type { DatasetInspection } from '../protocol/datasetTypes';

export function inspectionDiagnostics(inspection: DatasetInspection): vscode.Diagnostic[] {
  return inspection.problems.map((p) => {
    const line = Math.max(0, p.line - 1);
    const d = new vscode.Diagnostic(
      new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER),
      p.message,
      p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
    );
    d.source = 'Fine-Tune';
    d.code = p.kind;
    return d;
  });
}
