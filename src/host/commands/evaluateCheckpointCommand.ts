// finetune.checkpoint.evaluate: pick a dataset file, run `finetune eval --dataset FILE` in a child
// process under a progress notification, show the headline metrics, offer the stored evaluation.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { runCliCommand } from '../cliProcess';
import type { CheckpointRef } from '../extensionServices';
import { requireTrust } from '../workspaceTrust';
import type { CommandDeps } from './commandDeps';
import { evaluationHeadline, parseEvaluation, storedEvaluationName } from './cliOutput';

const OPEN = 'Open Evaluation';

export async function evaluateCheckpoint(deps: CommandDeps, ref: CheckpointRef): Promise<void> {
  if (!requireTrust('Evaluating a model')) return;
  const store = deps.storeFor(ref.runsDir);
  const record = await store.readRun(ref.runId);
  const picked = await vscode.window.showOpenDialog({
    title: `Evaluate "${record.name}" (${ref.checkpoint}) on a dataset with the same columns`,
    openLabel: 'Evaluate',
    canSelectMany: false,
    canSelectFiles: true,
    canSelectFolders: false,
    defaultUri: vscode.Uri.file(path.dirname(record.config.datasetPath)),
    filters: { Datasets: ['csv', 'tsv', 'jsonl', 'json'] },
  });
  const file = picked?.[0]?.fsPath;
  if (!file) return;
  const { stdout } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Evaluating "${record.name}" (${ref.checkpoint}) on ${path.basename(file)}…`, cancellable: true },
    (_progress, token) =>
      runCliCommand(
        { cliScript: deps.cliScript, settings: deps.settings(), cwd: store.runDir(ref.runId), token },
        ['eval', '--json', '--dataset', file, '--checkpoint', ref.checkpoint, '--runs-dir', ref.runsDir, '--', ref.runId],
      ),
  );
  const evaluation = parseEvaluation(stdout);
  const summary = `${evaluationHeadline(evaluation)} on ${evaluation.rows.toLocaleString('en')} rows`;
  deps.services.output.appendLine(`[${ref.runId}] evaluation (${ref.checkpoint}) on ${file}: ${summary}`);
  const stored = path.join(store.runDir(ref.runId), 'evaluations', storedEvaluationName(file));
  const choice = await vscode.window.showInformationMessage(`"${record.name}" (${ref.checkpoint}) on ${path.basename(file)}: ${summary}.`, OPEN);
  if (choice === OPEN) await vscode.window.showTextDocument(vscode.Uri.file(stored));
}
