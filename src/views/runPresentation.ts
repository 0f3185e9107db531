// How runs and checkpoints read in the sidebar and the status bar: status icons, metrics, progress,
// durations and the config summary. Pure functions of run records (no vscode).

import type { CheckpointState, RunProgress, RunRecord, RunStatus } from '../protocol/runTypes';

/** Live progress of a running run, from its worker's run/progressed messages. */
export interface LiveProgress extends RunProgress {
  etaSeconds: number | null;
  loss: number;
  phase: string;
}

export interface StatusLook {
  /** Codicon id. */
  icon: string;
  /** Theme colour id. */
  color: string;
  /** A word for the status. */
  label: string;
}

export const STATUS_LOOKS: Record<RunStatus, StatusLook> = {
  queued: { icon: 'clock', color: 'charts.yellow', label: 'queued' },
  running: { icon: 'sync~spin', color: 'charts.blue', label: 'running' },
  completed: { icon: 'pass-filled', color: 'testing.iconPassed', label: 'completed' },
  failed: { icon: 'error', color: 'testing.iconFailed', label: 'failed' },
  interrupted: { icon: 'warning', color: 'list.warningForeground', label: 'interrupted' },
  stopped: { icon: 'debug-pause', color: 'charts.orange', label: 'stopped' },
};

const METRIC_NAMES: Record<string, string> = {
  accuracy: 'acc',
  macroF1: 'F1',
  loss: 'loss',
  mae: 'MAE',
  rmse: 'RMSE',
  r2: 'R²',
};

const PROPORTIONS = new Set(['accuracy', 'macroF1', 'r2']);

/** "acc 0.912", "loss 0.2306", "MAE 12.41". */
export function formatMetric(name: string, value: number | null): string {
  const short = METRIC_NAMES[name] ?? name;
  if (value === null || !Number.isFinite(value)) return `${short} –`;
  if (PROPORTIONS.has(name)) return `${short} ${value.toFixed(3)}`;
  if (Math.abs(value) >= 100) return `${short} ${value.toFixed(1)}`;
  return `${short} ${value.toFixed(4)}`;
}

/** Whole percent of steps done, or null without progress. */
export function percentOf(progress: Pick<RunProgress, 'step' | 'totalSteps'> | null): number | null {
  if (!progress || progress.totalSteps <= 0) return null;
  return Math.max(0, Math.min(100, Math.floor((100 * progress.step) / progress.totalSteps)));
}

/** "45s", "3m 20s", "1h 05m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "epoch 2/3" (1-based) from progress whose epoch counts from 0. */
function epochText(progress: RunProgress): string {
  return `epoch ${Math.min(progress.epochs, progress.epoch + 1)}/${progress.epochs}`;
}

/** "42% · epoch 2/3 · ETA 3m 20s" */
export function progressText(progress: RunProgress, etaSeconds: number | null = null): string {
  const parts = [`${percentOf(progress) ?? 0}%`, epochText(progress)];
  if (etaSeconds !== null && Number.isFinite(etaSeconds)) parts.push(`ETA ${formatDuration(etaSeconds)}`);
  return parts.join(' · ');
}

/** The best checkpoint's metric, e.g. "acc 0.912", or null. */
export function bestMetricText(record: RunRecord): string | null {
  return record.best ? formatMetric(record.best.metric, record.best.value) : null;
}

/**
 * The description of a run in the Runs tree: progress while running (live when the worker reports
 * it), "queued", "stopping…", else the best metric, else the status word.
 */
export function runDescription(record: RunRecord, live: LiveProgress | null, options: { stopping?: boolean } = {}): string {
  if (options.stopping) return 'stopping…';
  if (record.status === 'queued') return 'queued';
  if (record.status === 'running') {
    const progress = live ?? record.progress;
    return progress ? progressText(progress, live?.etaSeconds ?? null) : 'starting…';
  }
  return bestMetricText(record) ?? STATUS_LOOKS[record.status].label;
}

/** The effective status: the service's knowledge of a run beats a run.json not yet rewritten. */
export function shownStatus(record: RunRecord, activity: 'queued' | 'running' | null): RunStatus {
  if (activity === 'running' && record.status === 'queued') return 'running';
  if (activity === 'queued' && record.status !== 'running') return 'queued';
  return record.status;
}

/** Escapes text for Markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function basename(file: string): string {
  return file.split(/[\\/]/).filter((part) => part !== '').pop() ?? file;
}

function techniqueText(record: RunRecord): string {
  const { config } = record;
  if (config.technique === 'lora') return `LoRA (rank ${config.lora.rank}, alpha ${config.lora.alpha})`;
  if (config.technique === 'adapter') return `adapter (size ${config.adapter.size})`;
  if (config.technique === 'features') return 'feature extraction';
  return 'full fine-tuning';
}

function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The config summary shown as a run's tooltip (Markdown). */
export function runTooltipMarkdown(record: RunRecord, status: RunStatus = record.status): string {
  const { config } = record;
  const dataset = record.dataset
    ? `${basename(config.datasetPath)} (${record.dataset.task}, label "${record.dataset.label}", ${record.dataset.usableRows.toLocaleString('en')} rows)`
    : basename(config.datasetPath);
  const model = record.model
    ? `${config.model === 'auto' ? record.model.source : config.model} (${record.model.trainableParams.toLocaleString('en')} of ${record.model.totalParams.toLocaleString('en')} parameters train)`
    : config.model;
  const backend = record.backend?.name ?? (config.backend ? `${config.backend} (forced)` : 'auto');
  const rows: [string, string][] = [
    ['Dataset', dataset],
    ['Model', model],
    ['Technique', techniqueText(record)],
    ['Epochs', String(config.epochs)],
    ['Learning rate', String(config.learningRate)],
    ['Batch size', String(config.batchSize)],
    ['Backend', backend],
    ['Created', localTime(record.createdAt)],
  ];
  if (record.best) rows.push(['Best', `${formatMetric(record.best.metric, record.best.value)} (epoch ${record.best.epoch + 1}, step ${record.best.step})`]);
  if (record.trainingSeconds > 0) rows.push(['Training time', formatDuration(record.trainingSeconds)]);
  const lines = [
    `**${escapeMarkdown(record.name)}** · ${STATUS_LOOKS[status].label}`,
    '',
    `\`${record.id}\``,
    '',
    '| | |',
    '|:--|:--|',
    ...rows.map(([key, value]) => `| ${key} | ${escapeMarkdown(value)} |`),
  ];
  if (record.statusReason) lines.push('', escapeMarkdown(record.statusReason));
  return lines.join('\n');
}

/** "epoch 2 · step 120 · loss 0.2306" for a checkpoint (with " · best" when it is the best). */
export function checkpointDescription(state: CheckpointState | null, isBest: boolean): string {
  const parts: string[] = [];
  if (state) {
    parts.push(`epoch ${state.epoch + (state.batchInEpoch > 0 ? 1 : 0)}`, `step ${state.step}`);
    if (state.value !== null) parts.push(formatMetric(state.metric, state.value));
  } else {
    parts.push('being written…');
  }
  if (isBest) parts.push('best');
  return parts.join(' · ');
}

/** "1.2 MB" */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
