// The host's training service: runs wait in a visible queue (status 'queued' in run.json) for one
// of fineTune.concurrentRuns slots, then train in their own worker process. Stop is graceful
// (checkpoint, then exit); a second Stop kills. A worker that ends without saying how leaves its
// run failed, with the exit code or signal and its last stderr lines as the reason.

import * as vscode from 'vscode';
import type { TrainConfig } from '../protocol/configTypes';
import type { RunRecord } from '../protocol/runTypes';
import type { WorkerMessage } from '../protocol/workerProtocol';
import type { RunStore } from '../storage/runStore';
import { describeError, UserError } from '../engine/userError';
import type { RunRef } from './extensionServices';
import type { RunActivity, TrainingServiceApi } from './trainingServiceApi';
import type { TrainingSettings } from './trainingSettings';
import { engineLaunchFor } from './workerLaunch';
import { startWorkerProcess, type WorkerStarter } from './workerProcess';
import { WorkerSession, type RunJob, type SessionEnd } from './workerSession';

export interface TrainingServiceOptions {
  /** dist/worker.js */
  workerScript: string;
  storeFor(runsDir: string): RunStore;
  settings(): Pick<TrainingSettings, 'backend' | 'concurrentRuns' | 'nodePath' | 'allowSoftwareGpu' | 'fastPaths' | 'cpuThreads' | 'zoo'>;
  /** One line for the output channel. */
  log(line: string): void;
  /** Workspace trust; training refuses without it. Default: trusted. */
  isTrusted?(): boolean;
  /** Starts a worker process; tests pass a fake. */
  startWorker?: WorkerStarter;
}

/** Raised when training is asked for in an untrusted workspace. */
export class WorkspaceUntrustedError extends UserError {
  constructor() {
    super('Training is disabled in untrusted workspaces: it reads your datasets and runs model code on them.', {
      hint: 'Trust this workspace (Manage Workspace Trust) to train; browsing runs still works.',
    });
  }
}

type PreviousState = Pick<RunRecord, 'status' | 'statusReason'>;

interface QueuedRun {
  job: RunJob;
  /** The status to put back if the run leaves the queue without starting; null for a new run. */
  previous: PreviousState | null;
}

interface ActiveRun extends QueuedRun {
  /** null when the worker could not even be created. */
  session: WorkerSession | null;
}

const WAITING = 'Waiting for a free training slot.';
const ENDED_STATUSES = new Set(['running', 'queued', 'interrupted']);

export class TrainingService implements TrainingServiceApi, vscode.Disposable {
  private readonly queue: QueuedRun[] = [];
  private readonly running = new Map<string, ActiveRun>();
  /** Runs being prepared by resumeRun (counted as queued). */
  private readonly preparing = new Set<string>();
  private readonly cancelled = new Set<string>();
  private closing = false;
  private readonly receiveEmitter = new vscode.EventEmitter<RunActivity>();
  private readonly queueEmitter = new vscode.EventEmitter<void>();
  readonly onDidReceive = this.receiveEmitter.event;
  readonly onDidChangeQueue = this.queueEmitter.event;

  constructor(private readonly options: TrainingServiceOptions) {}

  async startRun(runsDir: string, config: TrainConfig, name?: string): Promise<string> {
    this.assertTrusted();
    const record = await this.options.storeFor(runsDir).createRun(config, { name });
    this.options.log(`[${record.id}] queued: ${config.technique} on ${config.datasetPath}`);
    this.enqueue({ job: { runsDir, runId: record.id, resume: false, extraEpochs: 0 }, previous: null });
    return record.id;
  }

  async resumeRun(runsDir: string, runId: string, extraEpochs: number): Promise<void> {
    this.assertTrusted();
    if (!Number.isInteger(extraEpochs) || extraEpochs < 0) throw new UserError(`Extra epochs must be a whole number of 0 or more, not ${extraEpochs}.`);
    const activity = this.activityOf(runId);
    if (activity) throw new UserError(`Run ${runId} is already ${activity}.`);
    this.preparing.add(runId);
    this.queueEmitter.fire();
    try {
      const store = this.options.storeFor(runsDir);
      const record = await store.readRun(runId);
      if (record.status === 'running' || (record.status === 'queued' && record.pid !== null)) {
        throw new UserError(`Run "${record.name}" is being trained by another process (pid ${record.pid}).`, {
          hint: 'Stop it there first, or wait until it finishes.',
        });
      }
      // A run stopped before its first checkpoint starts again from the beginning.
      const resume = (await store.listCheckpoints(runId)).some((checkpoint) => checkpoint.state !== null);
      const previous: PreviousState = { status: record.status, statusReason: record.statusReason };
      if (this.cancelled.has(runId)) return;
      await store.updateRun(runId, { status: 'queued', statusReason: WAITING, pid: null });
      if (this.cancelled.has(runId)) {
        await this.restore({ job: { runsDir, runId, resume, extraEpochs }, previous }, '');
        return;
      }
      this.options.log(`[${runId}] queued to ${resume ? 'resume' : 'start again'}${extraEpochs > 0 ? ` with ${extraEpochs} more epoch(s)` : ''}`);
      this.preparing.delete(runId);
      this.enqueue({ job: { runsDir, runId, resume, extraEpochs }, previous });
    } finally {
      this.cancelled.delete(runId);
      if (this.preparing.delete(runId)) this.queueEmitter.fire();
    }
  }

  stopRun(runId: string): void {
    const index = this.queue.findIndex((queued) => queued.job.runId === runId);
    if (index >= 0) {
      const [removed] = this.queue.splice(index, 1);
      this.options.log(`[${runId}] removed from the queue`);
      void this.restore(removed, 'Removed from the queue before it started; resume it to start.').finally(() => this.queueEmitter.fire());
      this.queueEmitter.fire();
      return;
    }
    if (this.preparing.has(runId)) {
      this.cancelled.add(runId);
      return;
    }
    const session = this.running.get(runId)?.session;
    if (!session) return;
    const how = session.stop('Stopped from VS Code.');
    this.options.log(
      how === 'graceful'
        ? `[${runId}] stopping: the worker saves a checkpoint, then exits (Stop again to kill it)`
        : `[${runId}] killing the training process (pid ${session.pid ?? '?'})`,
    );
    this.queueEmitter.fire();
  }

  activityOf(runId: string): 'queued' | 'running' | null {
    if (this.running.has(runId)) return 'running';
    if (this.preparing.has(runId) || this.queue.some((queued) => queued.job.runId === runId)) return 'queued';
    return null;
  }

  /** True once Stop was asked for a running run (a second Stop kills it). */
  isStopping(runId: string): boolean {
    return this.running.get(runId)?.session?.stopping ?? false;
  }

  /** Runs training now, oldest first. */
  runningRuns(): RunRef[] {
    return [...this.running.values()].map(({ job }) => ({ runsDir: job.runsDir, runId: job.runId }));
  }

  /** Runs waiting for a slot, in queue order. */
  queuedRuns(): RunRef[] {
    return this.queue.map(({ job }) => ({ runsDir: job.runsDir, runId: job.runId }));
  }

  /**
   * On deactivation: running workers are asked to stop (they checkpoint and exit; they also stop
   * when the IPC channel closes), and queued runs get back their previous status.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const { session } of this.running.values()) {
      if (session && !session.stopping) session.stop('VS Code is closing.');
    }
    const queued = this.queue.splice(0);
    await Promise.allSettled(queued.map((q) => this.restore(q, 'VS Code closed before this queued run started; resume it to start.')));
  }

  dispose(): void {
    void this.shutdown();
    this.receiveEmitter.dispose();
    this.queueEmitter.dispose();
  }

  private assertTrusted(): void {
    if (this.options.isTrusted && !this.options.isTrusted()) throw new WorkspaceUntrustedError();
  }

  private enqueue(queued: QueuedRun): void {
    this.queue.push(queued);
    this.queueEmitter.fire();
    this.pump();
  }

  private pump(): void {
    if (this.closing) return;
    const slots = Math.max(1, this.options.settings().concurrentRuns);
    while (this.running.size < slots) {
      const next = this.queue.shift();
      if (!next) break;
      this.launch(next);
    }
  }

  private launch(queued: QueuedRun): void {
    const { job } = queued;
    const settings = this.options.settings();
    const launch = engineLaunchFor(this.options.workerScript, settings);
    const tag = `[${job.runId}]`;
    const store = this.options.storeFor(job.runsDir);
    let session: WorkerSession;
    try {
      session = new WorkerSession(job, launch, this.options.startWorker ?? startWorkerProcess, {
        message: (message) => {
          if (message.type === 'worker/logged') this.options.log(`${tag} ${message.payload.level} ${message.payload.message}`);
          this.receiveEmitter.fire({ runsDir: job.runsDir, runId: job.runId, message });
        },
        line: (stream, line) => {
          this.options.log(`${tag} ${line}`);
          store.appendLog(job.runId, `${new Date().toISOString()} ${stream} ${line}`).catch(() => undefined);
        },
      });
    } catch (error) {
      const reason = `The training process could not be started: ${describeError(error)}`;
      this.running.set(job.runId, { ...queued, session: null });
      void this.finish(queued, { kind: 'died', reason });
      return;
    }
    this.running.set(job.runId, { ...queued, session });
    const runtime = launch.runAsNode ? 'VS Code runtime' : launch.execPath;
    this.options.log(`${tag} ${job.resume ? 'resuming' : 'starting'} in a worker (${runtime}${settings.backend !== 'auto' ? `, backend ${settings.backend}` : ''})`);
    this.queueEmitter.fire();
    void session.ended.then((end) => this.finish(queued, end));
  }

  /** Records how a run ended when the worker could not, then frees its slot. */
  private async finish(queued: QueuedRun, end: SessionEnd): Promise<void> {
    const { job } = queued;
    let synthetic: WorkerMessage | null = null;
    try {
      if (end.kind === 'killed' && end.beforeStart) {
        await this.restore(queued, 'Stopped before training started; resume it to start.');
        synthetic = { type: 'run/finished', payload: { status: 'stopped', reason: 'Stopped before training started.' } };
      } else if (end.kind === 'killed') {
        const reason = 'Killed by a second Stop before it could save a checkpoint; resume continues from the last checkpoint.';
        await this.markEnded(job, 'stopped', reason);
        synthetic = { type: 'run/finished', payload: { status: 'stopped', reason } };
      } else if (end.kind === 'died') {
        await this.markEnded(job, 'failed', end.reason);
        synthetic = { type: 'run/failed', payload: { reason: end.reason, detail: null } };
      }
    } finally {
      this.running.delete(job.runId);
      this.options.log(`[${job.runId}] worker ended (${end.kind === 'reported' ? end.message.type : end.kind})`);
      if (synthetic) this.receiveEmitter.fire({ runsDir: job.runsDir, runId: job.runId, message: synthetic });
      this.queueEmitter.fire();
      this.pump();
    }
  }

  private async markEnded(job: RunJob, status: 'failed' | 'stopped', reason: string): Promise<void> {
    const store = this.options.storeFor(job.runsDir);
    const now = new Date().toISOString();
    try {
      await store.updateRun(job.runId, (record) =>
        ENDED_STATUSES.has(record.status)
          ? { ...record, status, statusReason: reason, pid: null, finishedAt: status === 'failed' ? now : record.finishedAt }
          : record,
      );
      await store.appendLog(job.runId, `${now} error ${reason}`);
    } catch (error) {
      this.options.log(`[${job.runId}] could not record that the run ${status}: ${describeError(error)}`);
    }
  }

  /** Puts a run that leaves the queue unstarted back as it was (a new run becomes 'stopped'). */
  private async restore(queued: QueuedRun, reason: string): Promise<void> {
    const { job, previous } = queued;
    try {
      await this.options.storeFor(job.runsDir).updateRun(job.runId, (record) =>
        record.status !== 'queued'
          ? record
          : previous
            ? { ...record, status: previous.status, statusReason: previous.statusReason, pid: null }
            : { ...record, status: 'stopped', statusReason: reason, pid: null },
      );
    } catch (error) {
      this.options.log(`[${job.runId}] could not take the run off the queue: ${describeError(error)}`);
    }
  }
}
