// "Fine-tune a Model on This Dataset…": inspect the file, pick a technique, train in the worker
// process with a cancellable progress notification, and report the result.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TechniqueName } from '../protocol/configTypes';
import type { WorkerMessage } from '../protocol/workerProtocol';
import { inspectDataset } from '../engine/data/inspectDataset';
import { defaultModelFor, makeTrainConfig } from '../engine/training/trainDefaults';
import { describeError } from '../engine/userError';
import { RunStore } from '../storage/runStore';
import { defaultRunsDir } from '../storage/runLayout';
import { startWorker } from '../worker/workerClient';
import { inspectionDiagnostics } from './datasetDiagnostics';

const TECHNIQUES: { technique: TechniqueName; label: string; detail: string }[] = [
  { technique: 'lora', label: 'LoRA', detail: 'Frozen weights plus small low-rank updates on chosen layers; few trainable parameters, mergeable.' },
  { technique: 'features', label: 'Feature extraction', detail: 'Frozen base, new head; base outputs computed once, so epochs are fast.' },
  { technique: 'adapter', label: 'Adapter layers', detail: 'Small bottleneck layers inserted after chosen layers; base frozen.' },
  { technique: 'full', label: 'Full fine-tuning', detail: 'Every weight trains, at a low learning rate.' },
];

export interface FineTuneDeps {
  extensionPath: string;
  diagnostics: vscode.DiagnosticCollection;
  output: vscode.OutputChannel;
}

async function pickDataset(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Fine-tune on this dataset',
    filters: { Datasets: ['csv', 'tsv', 'jsonl', 'json'] },
  });
  return picked?.[0];
}

export async function fineTuneDataset(deps: FineTuneDeps, uri: vscode.Uri | undefined): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Training is disabled in untrusted workspaces: it runs code on your data. Trust the workspace to train.');
    return;
  }
  const target = uri ?? vscode.window.activeTextEditor?.document.uri ?? (await pickDataset());
  if (!target) return;
  const file = target.fsPath;
  let inspection;
  try {
    inspection = await inspectDataset(file, {});
  } catch (error) {
    void vscode.window.showErrorMessage(`Fine-Tune: ${describeError(error)}`);
    return;
  }
  deps.diagnostics.set(target, inspectionDiagnostics(inspection));
  const choice = await vscode.window.showQuickPick(
    TECHNIQUES.map((t) => ({ ...t, description: t.technique === 'lora' ? 'default' : '' })),
    { title: `Fine-tune on ${path.basename(file)}: ${inspection.task ?? 'unknown task'}, label "${inspection.label ?? '?'}", ${inspection.rows} rows`, placeHolder: 'Choose a technique' },
  );
  if (!choice) return;
  const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(file);
  const store = new RunStore(defaultRunsDir(folder));
  const run = await store.createRun(makeTrainConfig(file, { technique: choice.technique, model: defaultModelFor(inspection.task) }));
  deps.output.appendLine(`run ${run.id}: ${choice.technique} on ${file}`);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Fine-tuning ${path.basename(file)} (${choice.label})`, cancellable: true },
    (progress, token) =>
      new Promise<void>((resolve) => {
        let reported = 0;
        let outcome: WorkerMessage | null = null;
        const handle = startWorker(
          { workerScript: path.join(deps.extensionPath, 'dist', 'worker.js'), runAsNode: true },
          (message) => {
            if (message.type === 'worker/ready') {
              handle.send({ type: 'run/start', payload: { runsDir: store.runsDir, runId: run.id, resume: false, extraEpochs: 0 } });
            } else if (message.type === 'run/progressed') {
              const pct = message.payload.totalSteps > 0 ? (100 * message.payload.step) / message.payload.totalSteps : 0;
              progress.report({ increment: pct - reported, message: `epoch ${Math.min(message.payload.epochs, message.payload.epoch + 1)}/${message.payload.epochs}, loss ${message.payload.loss.toFixed(4)}` });
              reported = pct;
            } else if (message.type === 'worker/logged') {
              deps.output.appendLine(`[${message.payload.level}] ${message.payload.message}`);
            } else if (message.type === 'run/finished' || message.type === 'run/failed' || message.type === 'run/evaluated') {
              if (message.type !== 'run/evaluated') outcome = message;
              else {
                const e = message.payload.evaluation;
                deps.output.appendLine(e.task === 'tabular-regression' ? `test MAE ${e.mae.toFixed(4)}, R² ${e.r2.toFixed(4)}` : `test accuracy ${e.accuracy.toFixed(4)}, macro-F1 ${e.macroF1.toFixed(4)}`);
              }
            }
          },
          (_stream, text) => deps.output.append(text),
        );
        token.onCancellationRequested(() => handle.stop('Stopped from VS Code.'));
        void handle.exited.then(async () => {
          resolve();
          const report = vscode.Uri.file(store.paths(run.id).report);
          const final = outcome as WorkerMessage | null;
          if (final?.type === 'run/failed') {
            const open = await vscode.window.showErrorMessage(`Fine-tuning failed: ${final.payload.reason}`, 'Show Log');
            if (open) deps.output.show();
          } else if (final?.type === 'run/finished' && final.payload.status === 'completed') {
            const evaluation = await store.readEvaluation(run.id);
            const headline = evaluation ? (evaluation.task === 'tabular-regression' ? `R² ${evaluation.r2.toFixed(3)}` : `accuracy ${evaluation.accuracy.toFixed(3)}`) : '';
            const open = await vscode.window.showInformationMessage(`Fine-tuning finished: test ${headline}.`, 'Open Report');
            if (open) await vscode.commands.executeCommand('markdown.showPreview', report);
          } else if (final?.type === 'run/finished') {
            void vscode.window.showInformationMessage(`Fine-tuning stopped; run ${run.id} can be resumed with \`finetune resume ${run.id}\`.`);
          } else {
            void vscode.window.showErrorMessage('The training process ended unexpectedly; see the Fine-Tune output for its log.');
          }
        });
      }),
  );
}
