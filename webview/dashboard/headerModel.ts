// The dashboard's header and early-stopping line, derived from the state. Pure: the DOM code
// only copies these strings and flags into elements.

import type { DashboardState } from '../../src/protocol/dashboardProtocol';
import type { ModelDownloadProgress } from '../../src/protocol/workerProtocol';
import { formatBytes } from '../../src/engine/zoo/formatSize';
import type { EarlyStoppingConfig } from '../../src/protocol/configTypes';
import type { RunRecord, RunStatus } from '../../src/protocol/runTypes';
import type { ValidationPoint } from './curveSeries';
import { formatCount, formatDuration, formatRate, formatValue, metricName } from './format';

export interface HeaderView {
  title: string;
  status: RunStatus;
  /** "Running", "Stopped" */
  statusLabel: string;
  /** Why it failed, stopped or was interrupted; empty otherwise. */
  statusReason: string;
  /** 0..1, or null when the total is not known yet. */
  progress: number | null;
  progressText: string;
  elapsed: string;
  eta: string;
  throughput: string;
  backend: string;
  device: string;
  /** Why each earlier backend was skipped. */
  skipped: string[];
  technique: string;
  parameters: string;
  model: string;
  dataset: string;
  buttons: {
    /** 'Stop', then 'Kill' after a first stop; null: hidden. */
    stop: 'Stop' | 'Kill' | null;
    resume: boolean;
    extend: boolean;
    compare: boolean;
  };
}

/** What the header needs from the curves. */
export interface CurveFacts {
  lastStep: number;
  /** Examples/s from the metric times (validation pauses excluded), or null. */
  throughput: number | null;
  /** Seconds per step over the last minute (validation pauses included), or null. */
  secondsPerStep: number | null;
  /** Time (ms) of the newest training step, 0 when unknown. */
  lastTime: number;
}

const STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  stopped: 'Stopped',
  interrupted: 'Interrupted',
};

const TECHNIQUES: Record<string, string> = {
  full: 'Full fine-tuning',
  features: 'Feature extraction',
  adapter: 'Adapter layers',
  lora: 'LoRA',
};

const DEVICES: Record<string, string> = {
  'tensorflow-gpu': 'GPU (CUDA)',
  webgpu: 'GPU (WebGPU)',
  tensorflow: 'CPU (libtensorflow)',
  wasm: 'CPU (WebAssembly)',
  cpu: 'CPU (JavaScript)',
};

/** "GPU (WebGPU): nvidia-h100-80gb-hbm3, …" when the backend named its device, else the kind and the machine. */
function deviceText(name: string, device: string | undefined, env: RunRecord['environment']): string {
  const kind = DEVICES[name] ?? name;
  if (device !== undefined && device !== '') return `${kind}: ${device}`;
  return `${kind}${env ? `, ${env.cpus} cores, ${env.platform}-${env.arch}` : ''}`;
}

/** Optimizer steps per epoch, or null while unknown. */
export function stepsPerEpoch(run: RunRecord): number | null {
  const train = run.dataset?.split.train ?? 0;
  if (train > 0 && run.config.batchSize > 0) return Math.ceil(train / run.config.batchSize);
  if (run.progress && run.progress.epochs > 0 && run.progress.totalSteps > 0) return run.progress.totalSteps / run.progress.epochs;
  return null;
}

function isActive(state: DashboardState): boolean {
  return state.activity !== null || state.run.status === 'running' || state.run.status === 'queued';
}

function techniqueText(run: RunRecord): string {
  const c = run.config;
  const name = TECHNIQUES[c.technique] ?? c.technique;
  if (c.technique === 'lora') return `${name} (rank ${c.lora.rank}, alpha ${c.lora.alpha})`;
  if (c.technique === 'adapter') return `${name} (size ${c.adapter.size})`;
  return name;
}

/** "Downloading prajjwal1/bert-tiny: model.safetensors (6 of 6), 8.0 MB of 17.6 MB · 45% · 2.1 MB/s · 5 s left". */
export function downloadProgress(download: ModelDownloadProgress): { fraction: number | null; text: string } {
  const fraction = download.total !== null && download.total > 0 ? Math.min(1, download.bytes / download.total) : null;
  const size = `${formatBytes(download.bytes)}${download.total !== null ? ` of ${formatBytes(download.total)}` : ''}`;
  const parts = [`Downloading the base model ${download.model}: ${download.file} (${download.fileIndex + 1} of ${download.fileCount}), ${size}`];
  if (fraction !== null) parts.push(`${Math.floor(fraction * 100)}%`);
  if (download.bytesPerSecond > 0) parts.push(`${formatBytes(download.bytesPerSecond)}/s`);
  if (download.etaSeconds !== null && !download.done) parts.push(`${formatDuration(Math.ceil(download.etaSeconds))} left`);
  return { fraction, text: parts.join(' · ') };
}

function progressOf(state: DashboardState, facts: CurveFacts): { fraction: number | null; text: string } {
  const { run, live } = state;
  if (state.download && live === null && (run.status === 'running' || run.status === 'queued')) return downloadProgress(state.download);
  const perEpoch = stepsPerEpoch(run);
  const epochs = live?.epochs ?? run.config.epochs;
  const step = Math.max(live?.step ?? 0, run.progress?.step ?? 0, facts.lastStep);
  const total = live?.totalSteps ?? (perEpoch !== null ? Math.round(perEpoch * epochs) : (run.progress?.totalSteps ?? null));
  if (run.status === 'completed') {
    const done = run.progress?.epoch ?? epochs;
    const early = done < epochs ? ` (stopped early at epoch ${done} of ${epochs})` : '';
    return { fraction: 1, text: `${done} epoch${done === 1 ? '' : 's'}, ${formatCount(step)} steps${early}` };
  }
  if (total === null || total <= 0) return { fraction: null, text: run.status === 'queued' ? 'Waiting for a free slot' : 'Preparing' };
  const fraction = Math.min(1, step / total);
  const epoch = Math.min(epochs, perEpoch !== null ? Math.floor(step / perEpoch) + 1 : (live?.epoch ?? run.progress?.epoch ?? 0) + 1);
  const phase = live && live.phase && live.phase !== 'training' ? ` · ${live.phase}` : '';
  return {
    fraction,
    text: `Epoch ${epoch} of ${epochs} · step ${formatCount(step)} of ${formatCount(total)} · ${Math.floor(fraction * 100)}%${phase}`,
  };
}

function elapsedSeconds(run: RunRecord, active: boolean, now: number): number | null {
  if (run.status === 'queued' && run.trainingSeconds === 0) return null;
  if (!active || run.status !== 'running') return run.trainingSeconds;
  const since = Date.parse(run.updatedAt);
  return run.trainingSeconds + (Number.isFinite(since) ? Math.max(0, (now - since) / 1000) : 0);
}

function etaSeconds(state: DashboardState, facts: CurveFacts, now: number): number | null {
  const { run, live } = state;
  if (run.status !== 'running') return null;
  const perEpoch = stepsPerEpoch(run);
  const epochs = live?.epochs ?? run.config.epochs;
  const total = live?.totalSteps ?? (perEpoch !== null ? Math.round(perEpoch * epochs) : null);
  if (total !== null && facts.secondsPerStep !== null) {
    const step = Math.max(live?.step ?? 0, facts.lastStep);
    const sinceLast = facts.lastTime > 0 ? Math.max(0, now - facts.lastTime) / 1000 : 0;
    return Math.max(0, (total - step) * facts.secondsPerStep - sinceLast);
  }
  if (live && live.etaSeconds !== null) return Math.max(0, live.etaSeconds - Math.max(0, now - live.receivedAt) / 1000);
  return null;
}

export function headerView(state: DashboardState, facts: CurveFacts, now: number): HeaderView {
  const { run } = state;
  const active = isActive(state);
  const progress = progressOf(state, facts);
  const env = run.environment;
  const status = state.activity === 'queued' && run.status !== 'running' ? 'queued' : run.status;
  const throughput = facts.throughput ?? (active && state.live && state.live.examplesPerSecond > 0 ? state.live.examplesPerSecond : null);
  return {
    title: run.name,
    status,
    statusLabel: STATUS_LABELS[status],
    statusReason: run.statusReason ?? '',
    progress: progress.fraction,
    progressText: progress.text,
    elapsed: formatDuration(elapsedSeconds(run, active, now)),
    eta: run.status === 'completed' ? 'done' : formatDuration(etaSeconds(state, facts, now)),
    throughput: formatRate(throughput),
    backend: run.backend?.name ?? (run.config.backend ? `${run.config.backend} (requested)` : 'not chosen yet'),
    device: run.backend ? deviceText(run.backend.name, run.backend.device, env) : '—',
    skipped: (run.backend?.skipped ?? []).map((s) => `${s.name}: ${s.reason}`),
    technique: techniqueText(run),
    parameters: run.model
      ? `${formatCount(run.model.trainableParams)} of ${formatCount(run.model.totalParams)} (${((100 * run.model.trainableParams) / Math.max(1, run.model.totalParams)).toFixed(2)}%)`
      : '—',
    model: run.model?.source ?? run.config.model,
    dataset: run.dataset
      ? `${basename(run.dataset.path)} · ${formatCount(run.dataset.split.train)} train / ${formatCount(run.dataset.split.validation)} validation / ${formatCount(run.dataset.split.test)} test`
      : basename(run.config.datasetPath),
    buttons: {
      stop: active ? (state.stopRequested ? 'Kill' : 'Stop') : null,
      resume: !active && (run.status === 'stopped' || run.status === 'interrupted' || run.status === 'failed'),
      extend: !active && run.status === 'completed',
      compare: state.canCompare,
    },
  };
}

function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

export interface PatienceView {
  text: string;
  /** Validations since the best one. */
  waited: number;
  patience: number;
  best: ValidationPoint | null;
}

/** How close early stopping is: validations of the watched metric since its best value. */
export function patienceView(config: EarlyStoppingConfig, history: readonly ValidationPoint[]): PatienceView {
  let bestIndex = -1;
  for (let i = 0; i < history.length; i++) {
    const p = history[i];
    const b = bestIndex < 0 ? null : history[bestIndex];
    if (b === null || (config.mode === 'min' ? p.value < b.value : p.value > b.value)) bestIndex = i;
  }
  const best = bestIndex < 0 ? null : history[bestIndex];
  const waited = bestIndex < 0 ? 0 : history.length - 1 - bestIndex;
  const metric = `validation ${metricName(config.metric)}`;
  const bestText = best === null ? 'no validation yet' : `best ${formatValue(best.value)} at step ${formatCount(best.step)}, epoch ${best.epoch + 1}`;
  const text =
    config.patience > 0
      ? `Early stopping: ${waited} of ${config.patience} validation${config.patience === 1 ? '' : 's'} without improvement in ${metric} (${bestText}).`
      : `Early stopping is off; watching ${metric} (${bestText}).`;
  return { text, waited, patience: config.patience, best };
}
