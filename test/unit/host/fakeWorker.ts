// A fake training worker for TrainingService tests: records what the service sends, and lets the
// test play the worker's part (ready, messages, output, exit).

import type { ParentMessage, WorkerMessage } from '../../../src/protocol/workerProtocol';
import type { WorkerLaunch } from '../../../src/worker/workerClient';
import type { WorkerExit, WorkerProcess, WorkerStarter } from '../../../src/host/workerProcess';

let nextPid = 50000;

export class FakeWorker implements WorkerProcess {
  pid: number | undefined = nextPid++;
  readonly sent: ParentMessage[] = [];
  readonly stops: string[] = [];
  killed = false;
  readonly exited: Promise<WorkerExit>;
  private resolveExit: (exit: WorkerExit) => void = () => undefined;
  private readonly errorListeners: ((error: Error) => void)[] = [];

  constructor(
    readonly launch: WorkerLaunch,
    private readonly onMessage: (message: WorkerMessage) => void,
    private readonly onOutput: (stream: 'stdout' | 'stderr', text: string) => void,
  ) {
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  send(message: ParentMessage): void {
    this.sent.push(message);
  }

  stop(reason: string): void {
    this.stops.push(reason);
  }

  kill(): void {
    this.killed = true;
    this.exit({ code: null, signal: 'SIGKILL' });
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener);
  }

  // ── the worker's side ──

  ready(): void {
    this.emit({ type: 'worker/ready', payload: { pid: this.pid ?? 0 } });
  }

  emit(message: WorkerMessage): void {
    this.onMessage(message);
  }

  output(stream: 'stdout' | 'stderr', text: string): void {
    this.onOutput(stream, text);
  }

  exit(exit: WorkerExit): void {
    this.resolveExit(exit);
  }

  failToSpawn(error: Error): void {
    this.pid = undefined;
    for (const listener of this.errorListeners) listener(error);
  }

  finish(status: 'completed' | 'stopped' = 'completed'): void {
    this.emit({ type: 'run/finished', payload: { status, reason: null } });
    this.exit({ code: 0, signal: null });
  }
}

/** A starter that records every fake worker it starts. */
export function fakeStarter(): { start: WorkerStarter; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  return {
    workers,
    start: (launch, onMessage, onOutput) => {
      const worker = new FakeWorker(launch, onMessage, onOutput);
      workers.push(worker);
      return worker;
    },
  };
}

/** Polls until `check` is true (or fails after `timeoutMs`). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
