// A status-bar item while training: run name, percentage and ETA (from run/progressed), how many
// more run or wait; a click opens the run's dashboard.

import * as vscode from 'vscode';
import type { RunStore } from '../storage/runStore';
import { escapeMarkdown, progressText, type LiveProgress } from '../views/runPresentation';
import type { RunRef } from './extensionServices';
import type { TrainingService } from './trainingService';

export interface StatusBarRun {
  name: string;
  progress: LiveProgress | null;
}

const NAME_LIMIT = 32;

function shortName(name: string): string {
  return name.length > NAME_LIMIT ? `${name.slice(0, NAME_LIMIT - 1)}…` : name;
}

/** The item's text: the first running run, then "+N" more running and "N queued". */
export function statusBarText(running: readonly StatusBarRun[], queued: number): string {
  const parts: string[] = [];
  const [first] = running;
  if (first) {
    const progress = first.progress ? progressText(first.progress, first.progress.etaSeconds) : 'starting…';
    parts.push(`$(sync~spin) ${shortName(first.name)} ${progress}`);
    if (running.length > 1) parts.push(`+${running.length - 1} running`);
  } else {
    parts.push('$(clock) Fine-Tune');
  }
  if (queued > 0) parts.push(`${queued} queued`);
  return parts.join(' · ');
}

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly names = new Map<string, string>();
  private readonly progress = new Map<string, LiveProgress>();
  private readonly subscriptions: vscode.Disposable[];
  private renderTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly training: TrainingService,
    private readonly storeFor: (runsDir: string) => RunStore,
  ) {
    this.item = vscode.window.createStatusBarItem('finetune.training', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Fine-Tune Training';
    this.subscriptions = [
      training.onDidReceive(({ runId, message }) => {
        if (message.type === 'run/progressed') {
          this.progress.set(runId, message.payload);
          this.scheduleRender();
        }
      }),
      training.onDidChangeQueue(() => this.render()),
    ];
  }

  dispose(): void {
    if (this.renderTimer) clearTimeout(this.renderTimer);
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }

  private scheduleRender(): void {
    if (this.renderTimer) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      this.render();
    }, 250);
  }

  private nameOf(ref: RunRef): string {
    const known = this.names.get(ref.runId);
    if (known !== undefined) return known;
    this.names.set(ref.runId, ref.runId);
    this.storeFor(ref.runsDir)
      .readRun(ref.runId)
      .then((record) => {
        this.names.set(ref.runId, record.name);
        this.render();
      })
      .catch(() => undefined);
    return ref.runId;
  }

  private render(): void {
    const running = this.training.runningRuns();
    const queued = this.training.queuedRuns();
    for (const runId of this.progress.keys()) if (!running.some((r) => r.runId === runId)) this.progress.delete(runId);
    if (running.length === 0 && queued.length === 0) {
      this.item.hide();
      return;
    }
    const runs = running.map((ref) => ({ ref, name: this.nameOf(ref), progress: this.progress.get(ref.runId) ?? null }));
    this.item.text = statusBarText(runs, queued.length);
    const target = running[0] ?? queued[0];
    this.item.command = { command: 'finetune.run.openDashboard', title: 'Open Dashboard', arguments: [{ runsDir: target.runsDir, runId: target.runId }] };
    const lines = runs.map((r) => `$(sync~spin) **${escapeMarkdown(r.name)}**: ${r.progress ? escapeMarkdown(progressText(r.progress, r.progress.etaSeconds)) : 'starting…'}`);
    for (const ref of queued) lines.push(`$(clock) ${escapeMarkdown(this.nameOf(ref))}: queued`);
    lines.push('', 'Click to open the dashboard.');
    const tooltip = new vscode.MarkdownString(lines.join('\n\n'), true);
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Fine-Tune: ${this.item.text.replace(/\$\([^)]*\)\s*/g, '')}` };
    this.item.show();
  }
}
