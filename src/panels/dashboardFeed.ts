// Feeds one dashboard webview from the run store: a full snapshot on ready, then deltas
// (metrics and log lines appended since the last byte offsets, state changes, live progress).
// The run folder is the source of truth; worker messages only make the feed look sooner.
// No vscode here, so unit tests drive it against a temporary run store.

import type {
  DashboardAxis,
  DashboardDownMessage,
  DashboardState,
  LiveProgress,
  MetricColumns,
} from '../protocol/dashboardProtocol';
import type { RunRecord } from '../protocol/runTypes';
import type { ModelDownloadProgress, WorkerMessage } from '../protocol/workerProtocol';
import type { RunStore } from '../storage/runStore';
import { eventsToColumns } from './dashboardColumns';
import { isActiveStatus, readRunSnapshot } from './dashboardSnapshot';
import { readLogSince, readLogTail } from './logTail';

export interface DashboardFeedOptions {
  store: RunStore;
  runId: string;
  post(message: DashboardDownMessage): void;
  /** The training service's view of the run in this window. */
  activity(): 'queued' | 'running' | null;
  /** True once Stop was asked for the run anywhere in this window (tree, status bar, panel). */
  isStopping?(): boolean;
  /** Whether the compare command exists. */
  canCompare(): Promise<boolean>;
  /** Called with run.json each time it is read (the panel updates its title). */
  onRun?(run: RunRecord): void;
  /** Called when something went wrong that the user should not miss. */
  onError?(error: unknown): void;
  axis?: DashboardAxis;
  /** Poll period while the run is active. */
  pollMs?: number;
  /** Poll period while it is not (a run started elsewhere, e.g. from the CLI, is noticed). */
  idlePollMs?: number;
  /** Lines of worker.log kept in a snapshot. */
  logLines?: number;
  now?(): number;
}

const DEFAULT_POLL_MS = 1000;
const DEFAULT_IDLE_POLL_MS = 5000;
const DEFAULT_LOG_LINES = 400;
const PROGRESS_INTERVAL_MS = 250;
const SOON_MS = 100;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class DashboardFeed {
  private readonly options: DashboardFeedOptions;
  private readonly now: () => number;
  private axis: DashboardAxis;
  private stopRequested = false;
  private live: LiveProgress | null = null;
  private download: ModelDownloadProgress | null = null;
  private metricsOffset = 0;
  private logOffset = 0;
  /** status + updatedAt of the run.json last sent; a change sends a new state. */
  private lastRunKey = '';
  private attached = false;
  private disposed = false;
  private chain: Promise<void> = Promise.resolve();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private pollDueAt = 0;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  private progressSentAt = 0;

  constructor(options: DashboardFeedOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.axis = options.axis ?? 'step';
  }

  get currentAxis(): DashboardAxis {
    return this.axis;
  }

  /** The webview is ready: send everything, then follow the run while it is active. */
  attach(): Promise<void> {
    this.attached = true;
    return this.serial(async () => {
      await this.sendFull();
      this.schedulePoll(this.options.pollMs ?? DEFAULT_POLL_MS);
    });
  }

  /** The webview is gone (hidden or disposed): send nothing until the next attach. */
  detach(): void {
    this.attached = false;
    this.clearTimers();
  }

  dispose(): void {
    this.disposed = true;
    this.detach();
  }

  setAxis(axis: DashboardAxis): void {
    this.axis = axis;
  }

  /** After the first Stop: the button offers Kill. */
  markStopRequested(): Promise<void> {
    this.stopRequested = true;
    return this.refresh();
  }

  /** Re-reads the run now (after Resume or Extend, or a message from its worker). */
  refresh(): Promise<void> {
    if (!this.attached) return Promise.resolve();
    return this.serial(async () => {
      await this.pollOnce(true);
      this.schedulePoll(this.options.pollMs ?? DEFAULT_POLL_MS);
    });
  }

  /** A live message from this run's worker. */
  onWorkerMessage(message: WorkerMessage): void {
    if (message.type === 'model/downloadProgressed') {
      const p = message.payload;
      // The last file done: the download is over (the model is placed; training starts next).
      this.download = p.done && p.fileIndex === p.fileCount - 1 ? null : p;
      this.post({ type: 'dashboard/downloadProgressed', payload: { download: this.download } });
      return;
    }
    if (this.download !== null && message.type !== 'worker/logged') {
      this.download = null;
      this.post({ type: 'dashboard/downloadProgressed', payload: { download: null } });
    }
    if (message.type === 'run/progressed') {
      const p = message.payload;
      this.live = {
        epoch: p.epoch,
        step: p.step,
        totalSteps: p.totalSteps,
        epochs: p.epochs,
        loss: typeof p.loss === 'number' && Number.isFinite(p.loss) ? p.loss : null,
        examplesPerSecond: Number.isFinite(p.examplesPerSecond) ? p.examplesPerSecond : 0,
        etaSeconds: typeof p.etaSeconds === 'number' && Number.isFinite(p.etaSeconds) ? p.etaSeconds : null,
        phase: p.phase,
        receivedAt: this.now(),
      };
      this.sendProgressSoon();
      return;
    }
    if (message.type === 'worker/logged') return; // the log is followed from worker.log
    if (message.type === 'run/finished' || message.type === 'run/failed' || message.type === 'worker/exited') {
      this.live = null;
      this.stopRequested = false;
    }
    this.schedulePoll(SOON_MS);
  }

  /** One poll, for tests and for callers that need the panel up to date now. */
  pollNow(): Promise<void> {
    return this.serial(() => this.pollOnce(false).then(() => undefined));
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────

  private post(message: DashboardDownMessage): void {
    if (this.attached && !this.disposed) this.options.post(message);
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task).catch((error: unknown) => this.options.onError?.(error));
    this.chain = next;
    return next;
  }

  private async sendFull(): Promise<void> {
    let state: DashboardState;
    let metrics: MetricColumns;
    try {
      const { events, offset } = await this.options.store.readMetricsSince(this.options.runId, 0);
      metrics = eventsToColumns(events);
      this.metricsOffset = offset;
      const log = await readLogTail(this.options.store.paths(this.options.runId).log, this.options.logLines ?? DEFAULT_LOG_LINES);
      this.logOffset = log.offset;
      state = await this.readState(log.lines, log.truncated);
    } catch (error) {
      this.post({ type: 'dashboard/unavailable', payload: { message: errorMessage(error) } });
      return;
    }
    this.post({ type: 'dashboard/stateChanged', payload: { state, metrics } });
  }

  /** Deltas since the last offsets; a new state when run.json changed (or `forceState`). Returns whether to keep polling. */
  private async pollOnce(forceState: boolean): Promise<boolean> {
    if (!this.attached || this.disposed) return false;
    const { store, runId } = this.options;
    let run: RunRecord;
    try {
      run = await store.readRun(runId);
    } catch (error) {
      this.post({ type: 'dashboard/unavailable', payload: { message: errorMessage(error) } });
      return false;
    }
    const { events, offset } = await store.readMetricsSince(runId, this.metricsOffset);
    this.metricsOffset = offset;
    if (events.length > 0) this.post({ type: 'dashboard/metricsAppended', payload: { metrics: eventsToColumns(events) } });
    const log = await readLogSince(store.paths(runId).log, this.logOffset, this.options.logLines ?? DEFAULT_LOG_LINES);
    this.logOffset = log.offset;
    if (log.lines.length > 0) this.post({ type: 'dashboard/logAppended', payload: { lines: log.lines } });
    const activity = this.options.activity();
    const active = isActiveStatus(run) || activity !== null;
    if (!active) {
      this.live = null;
      this.download = null;
      this.stopRequested = false;
    }
    if (forceState || this.runKey(run, activity) !== this.lastRunKey) {
      const state = await this.readState([], false);
      // Lines already sent stay in the webview: a state from a poll carries none.
      this.post({ type: 'dashboard/stateChanged', payload: { state: { ...state, log: [], logTruncated: false }, metrics: null } });
    }
    return active;
  }

  private async readState(log: string[], logTruncated: boolean): Promise<DashboardState> {
    const { store, runId } = this.options;
    const snapshot = await readRunSnapshot(store, runId);
    const activity = this.options.activity();
    this.lastRunKey = this.runKey(snapshot.run, activity);
    this.options.onRun?.(snapshot.run);
    if (!isActiveStatus(snapshot.run) && activity === null) {
      this.live = null;
      this.download = null;
      this.stopRequested = false;
    }
    return {
      ref: { runsDir: store.runsDir, runId },
      run: snapshot.run,
      activity,
      stopRequested: this.isStopRequested(),
      live: this.live,
      download: this.download,
      checkpoints: snapshot.checkpoints,
      evaluation: snapshot.evaluation,
      log,
      logTruncated,
      axis: this.axis,
      canCompare: await this.options.canCompare(),
      problems: snapshot.problems,
      readAt: this.now(),
    };
  }

  private isStopRequested(): boolean {
    return this.stopRequested || (this.options.isStopping?.() ?? false);
  }

  private runKey(run: RunRecord, activity: string | null): string {
    return `${run.status}|${run.updatedAt}|${activity ?? ''}|${this.isStopRequested()}`;
  }

  /** Polls after `delayMs`, unless a poll is already due sooner. */
  private schedulePoll(delayMs: number): void {
    if (!this.attached || this.disposed) return;
    const due = this.now() + delayMs;
    if (this.pollTimer !== undefined) {
      if (this.pollDueAt <= due) return;
      clearTimeout(this.pollTimer);
    }
    this.pollDueAt = due;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.serial(async () => {
        const active = await this.pollOnce(false);
        this.schedulePoll(active ? (this.options.pollMs ?? DEFAULT_POLL_MS) : (this.options.idlePollMs ?? DEFAULT_IDLE_POLL_MS));
      });
    }, delayMs);
  }

  private sendProgressSoon(): void {
    if (this.progressTimer !== undefined) return;
    const wait = Math.max(0, this.progressSentAt + PROGRESS_INTERVAL_MS - this.now());
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      this.progressSentAt = this.now();
      if (this.live) this.post({ type: 'dashboard/progressed', payload: { progress: this.live } });
    }, wait);
  }

  private clearTimers(): void {
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    if (this.progressTimer !== undefined) clearTimeout(this.progressTimer);
    this.pollTimer = undefined;
    this.progressTimer = undefined;
  }
}
