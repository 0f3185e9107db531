// One run in one worker process: sends run/start once the worker is ready, stops it gracefully
// then by force, keeps its output as lines, and says how the run ended once the process is gone.

import type { WorkerMessage } from '../protocol/workerProtocol';
import type { WorkerLaunch } from '../worker/workerClient';
import { LineSplitter } from './lineSplitter';
import { describeSpawnFailure, describeWorkerExit } from './workerExit';
import type { WorkerProcess, WorkerStarter } from './workerProcess';

/** A run to start (new: resume false) or continue. */
export interface RunJob {
  runsDir: string;
  runId: string;
  resume: boolean;
  extraEpochs: number;
}

export type EndMessage = Extract<WorkerMessage, { type: 'run/finished' | 'run/failed' }>;

export type SessionEnd =
  /** The worker said how the run ended (and wrote it to run.json). */
  | { kind: 'reported'; message: EndMessage }
  /** Stopped by the user without a word from the worker: killed by a second Stop, or stopped before it started. */
  | { kind: 'killed'; beforeStart: boolean }
  /** The process died (or never started) without saying why. */
  | { kind: 'died'; reason: string };

export interface SessionSink {
  message(message: WorkerMessage): void;
  line(stream: 'stdout' | 'stderr', line: string): void;
}

const STDERR_TAIL = 8000;

export class WorkerSession {
  readonly ended: Promise<SessionEnd>;
  private outcome: EndMessage | null = null;
  private stopRequests = 0;
  private startSent = false;
  private stderrTail = '';
  private readonly splitters: Record<'stdout' | 'stderr', LineSplitter>;
  private readonly worker: WorkerProcess;

  constructor(readonly job: RunJob, launch: WorkerLaunch, start: WorkerStarter, private readonly sink: SessionSink) {
    this.splitters = {
      stdout: new LineSplitter((line) => sink.line('stdout', line)),
      stderr: new LineSplitter((line) => sink.line('stderr', line)),
    };
    const worker = start(
      launch,
      (message) => this.onMessage(message),
      (stream, text) => this.onOutput(stream, text),
    );
    this.worker = worker;
    this.ended = new Promise<SessionEnd>((resolve) => {
      let settled = false;
      const settle = (end: SessionEnd): void => {
        if (settled) return;
        settled = true;
        this.splitters.stdout.flush();
        this.splitters.stderr.flush();
        resolve(end);
      };
      worker.onError((error) => {
        if (worker.pid === undefined) {
          settle({ kind: 'died', reason: describeSpawnFailure(launch.execPath ?? process.execPath, error, launch.runAsNode !== true) });
        } else {
          sink.line('stderr', `(process error: ${error.message})`);
        }
      });
      void worker.exited.then((exit) => {
        if (this.outcome) settle({ kind: 'reported', message: this.outcome });
        else if (this.stopRequests > 0) settle({ kind: 'killed', beforeStart: !this.startSent });
        else settle({ kind: 'died', reason: describeWorkerExit(exit, this.stderrTail) });
      });
    });
  }

  get pid(): number | undefined {
    return this.worker.pid;
  }

  get stopping(): boolean {
    return this.stopRequests > 0;
  }

  /** First call: graceful (the worker checkpoints and exits); later calls, or before the run started: kill. */
  stop(reason: string): 'graceful' | 'kill' {
    this.stopRequests += 1;
    if (this.stopRequests === 1 && this.startSent) {
      this.worker.stop(reason);
      return 'graceful';
    }
    this.worker.kill();
    return 'kill';
  }

  private onMessage(message: WorkerMessage): void {
    if (message.type === 'worker/ready') {
      if (this.stopRequests > 0) {
        this.worker.kill();
      } else if (!this.startSent) {
        this.startSent = true;
        const { runsDir, runId, resume, extraEpochs } = this.job;
        this.worker.send({ type: 'run/start', payload: { runsDir, runId, resume, extraEpochs } });
      }
    } else if (message.type === 'run/finished' || message.type === 'run/failed') {
      this.outcome = message;
    }
    this.sink.message(message);
  }

  private onOutput(stream: 'stdout' | 'stderr', text: string): void {
    if (stream === 'stderr') this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
    this.splitters[stream].push(text);
  }
}
