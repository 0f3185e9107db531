// While a dataset file (.csv, .tsv, .jsonl, or .json holding an array of objects) is open, its
// problems appear in the Problems panel at their line. Inspected on open and on save, debounced,
// for files up to 50 MB. inspectDataset is pure Node (no TensorFlow.js).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatasetInspection } from '../protocol/datasetTypes';
import { inspectDataset } from '../engine/data/inspectDataset';
import { describeError } from '../engine/userError';
import { inspectionDiagnostics } from './datasetDiagnostics';

export const MAX_DIAGNOSED_BYTES = 50 * 1024 * 1024;
const HEAD_BYTES = 4096;
const DATASET_EXTENSIONS = new Set(['.csv', '.tsv', '.jsonl', '.json']);

export function isDatasetPath(file: string): boolean {
  return DATASET_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** True when a JSON text starts like an array of objects: `[ {`. */
export function looksLikeArrayOfObjects(head: string): boolean {
  return /^\uFEFF?\s*\[\s*\{/.test(head);
}

/** Whether a file should be inspected: a dataset extension, small enough, and for .json an array of objects. */
export async function shouldInspect(file: string): Promise<boolean> {
  if (!isDatasetPath(file)) return false;
  const handle = await fs.open(file, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const { size } = await handle.stat();
    if (size > MAX_DIAGNOSED_BYTES) return false;
    if (path.extname(file).toLowerCase() !== '.json') return true;
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await handle.read(buffer, 0, buffer.length, 0);
    return looksLikeArrayOfObjects(buffer.toString('utf8'));
  } finally {
    await handle.close();
  }
}

/** A dataset that cannot be read at all becomes one diagnostic at its line (or the first). */
function failureDiagnostic(error: unknown): vscode.Diagnostic {
  const line = typeof (error as { line?: unknown }).line === 'number' ? Math.max(0, (error as { line: number }).line - 1) : 0;
  const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), describeError(error), vscode.DiagnosticSeverity.Error);
  diagnostic.source = 'Fine-Tune';
  return diagnostic;
}

export class DatasetDiagnosticsWatcher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('finetune-dataset');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly generations = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly inspect: (file: string) => Promise<DatasetInspection> = (file) => inspectDataset(file),
    private readonly delayMs = 500,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document.uri)),
      vscode.workspace.onDidSaveTextDocument((document) => this.schedule(document.uri)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
    ];
    for (const document of vscode.workspace.textDocuments) this.schedule(document.uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }

  private schedule(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || !isDatasetPath(uri.fsPath)) return;
    const key = uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.run(uri);
      }, this.delayMs),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.delete(key);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.collection.delete(uri);
  }

  private async run(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    let diagnostics: vscode.Diagnostic[];
    try {
      if (!(await shouldInspect(uri.fsPath))) {
        if (this.generations.get(key) === generation) this.collection.delete(uri);
        return;
      }
      diagnostics = inspectionDiagnostics(await this.inspect(uri.fsPath));
    } catch (error) {
      diagnostics = [failureDiagnostic(error)];
    }
    // A later inspection (or closing the file) wins over this one.
    if (this.generations.get(key) === generation) this.collection.set(uri, diagnostics);
  }
}
