// A progress notification while a run downloads its base model (a catalog model not on this machine
// yet): "Fine-Tune: downloading prajjwal1/bert-tiny for run …" with the file, bytes, speed and time
// left, from the worker's model/downloadProgressed messages. It closes when the download is over
// or the run ends; Cancel stops the run at once (what was downloaded is kept and resumes next time).

import * as vscode from 'vscode';
import type { ModelDownloadProgress, WorkerMessage } from '../protocol/workerProtocol';
import { formatBytes } from '../engine/zoo/formatSize';
import type { TrainingServiceApi } from './trainingServiceApi';

/** The notification's message for one progress report. */
export function downloadMessage(p: ModelDownloadProgress): string {
  const size = `${formatBytes(p.bytes)}${p.total !== null ? ` of ${formatBytes(p.total)}` : ''}`;
  const percent = p.total !== null && p.total > 0 ? ` (${Math.floor((100 * p.bytes) / p.total)}%)` : '';
  const speed = p.bytesPerSecond > 0 ? `, ${formatBytes(p.bytesPerSecond)}/s` : '';
  const eta = !p.done && p.etaSeconds !== null ? `, ${Math.ceil(p.etaSeconds)} s left` : '';
  return `${p.file} (file ${p.fileIndex + 1} of ${p.fileCount}): ${size}${percent}${speed}${eta}`;
}

/** True when this message means the run's download is over: its last file is done, or the run went on or ended. */
export function endsDownload(message: WorkerMessage): boolean {
  if (message.type === 'model/downloadProgressed') return message.payload.done && message.payload.fileIndex === message.payload.fileCount - 1;
  return message.type !== 'worker/logged';
}

interface Shown {
  report(p: ModelDownloadProgress): void;
  close(): void;
}

function show(training: TrainingServiceApi, runId: string, first: ModelDownloadProgress, onClosed: () => void): Shown {
  let progress: vscode.Progress<{ message?: string }> | null = null;
  let pending: string = downloadMessage(first);
  let close: () => void = () => undefined;
  void vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Fine-Tune: downloading ${first.model} for run ${runId}`, cancellable: true },
      (p, token) =>
        new Promise<boolean>((resolve) => {
          progress = p;
          p.report({ message: pending });
          close = () => resolve(false);
          token.onCancellationRequested(() => resolve(true));
        }),
    )
    .then((cancelled) => {
      onClosed();
      if (!cancelled) return;
      // Stop, then kill at once: a graceful stop would wait for the download to finish.
      training.stopRun(runId);
      if (training.activityOf(runId) === 'running') training.stopRun(runId);
      void vscode.window.showInformationMessage(`Fine-Tune: run ${runId} was stopped during the download of ${first.model}. What was downloaded is kept: resuming the run (or any run of this model) continues the download.`);
    });
  return {
    report(p) {
      pending = downloadMessage(p);
      progress?.report({ message: pending });
    },
    close: () => close(),
  };
}

/** Follows every run's worker messages and shows one notification per run that downloads its base model. */
export function registerModelDownloadNotifications(training: TrainingServiceApi): vscode.Disposable {
  const shown = new Map<string, Shown>();
  const subscription = training.onDidReceive(({ runId, message }) => {
    const current = shown.get(runId);
    if (endsDownload(message)) {
      current?.close();
      shown.delete(runId);
      return;
    }
    if (message.type !== 'model/downloadProgressed') return;
    if (current) {
      current.report(message.payload);
      return;
    }
    const entry = show(training, runId, message.payload, () => {
      if (shown.get(runId) === entry) shown.delete(runId);
    });
    shown.set(runId, entry);
  });
  return new vscode.Disposable(() => {
    subscription.dispose();
    for (const s of shown.values()) s.close();
    shown.clear();
  });
}
