// Parameter counts of a config's models without loading TensorFlow.js in this process: a training
// worker is forked for each count (model/describe → model/described, then it exits). Counts are
// cached by key; one worker runs at a time, and a request no one wants any more when its turn
// comes is skipped. Never imports vscode (unit-tested with the built dist/worker.js).

import type { TrainConfig } from '../protocol/configTypes';
import type { ModelDescription } from '../protocol/workerProtocol';
import { startWorker, type WorkerHandle, type WorkerLaunch } from '../worker/workerClient';

export type DescribeOutcome =
  | { kind: 'described'; description: ModelDescription }
  | { kind: 'failed'; reason: string; /** True when the models cannot be built for this config (cached); false for a crash or timeout. */ definite: boolean }
  | { kind: 'skipped' };

/** How long one count may take before its worker is killed. */
export const DESCRIBE_TIMEOUT_MS = 120_000;
/** Characters of the worker's stderr kept for the reason of a crash. */
const STDERR_TAIL = 2000;

/** Forks one worker, asks it to describe the config, and resolves with its answer once it is known. */
export function describeInWorker(
  launch: WorkerLaunch,
  config: TrainConfig,
  timeoutMs = DESCRIBE_TIMEOUT_MS,
  onHandle: (handle: WorkerHandle | null) => void = () => undefined,
): Promise<DescribeOutcome> {
  return new Promise((resolve) => {
    let outcome: DescribeOutcome | null = null;
    let stderr = '';
    const handle = startWorker(
      launch,
      (message) => {
        if (message.type === 'worker/ready') handle.send({ type: 'model/describe', payload: { config } });
        else if (message.type === 'model/described') outcome = { kind: 'described', description: message.payload };
        else if (message.type === 'model/describeFailed') outcome = { kind: 'failed', reason: message.payload.reason, definite: true };
        else if (message.type === 'run/failed' && outcome === null) outcome = { kind: 'failed', reason: message.payload.reason, definite: false };
      },
      (stream, text) => {
        if (stream === 'stderr') stderr = (stderr + text).slice(-STDERR_TAIL);
      },
    );
    onHandle(handle);
    const timer = setTimeout(() => {
      if (outcome === null) outcome = { kind: 'failed', reason: `Counting the parameters took longer than ${Math.round(timeoutMs / 1000)} s.`, definite: false };
      handle.child.kill('SIGKILL');
    }, timeoutMs);
    handle.child.on('error', (error) => {
      if (outcome === null) outcome = { kind: 'failed', reason: `The training worker could not start: ${error.message}`, definite: false };
    });
    void handle.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      onHandle(null);
      const tail = stderr.trim().split('\n').slice(-3).join(' ');
      resolve(outcome ?? { kind: 'failed', reason: `The training worker ended without an answer (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : '.'}`, definite: false });
    });
  });
}

interface Pending {
  key: string;
  config: TrainConfig;
  isWanted: () => boolean;
  resolve: (outcome: DescribeOutcome) => void;
}

export class ModelDescriber {
  private readonly results = new Map<string, DescribeOutcome>();
  private readonly inFlight = new Map<string, Promise<DescribeOutcome>>();
  private readonly queue: Pending[] = [];
  private running: WorkerHandle | null = null;
  private busy = false;
  private disposed = false;

  constructor(
    private readonly launch: () => WorkerLaunch,
    private readonly timeoutMs = DESCRIBE_TIMEOUT_MS,
  ) {}

  /** A known answer for the key, without starting anything. */
  peek(key: string): DescribeOutcome | undefined {
    return this.results.get(key);
  }

  /** The answer for the key: cached, in flight, or queued (skipped if `isWanted` is false when its turn comes). */
  describe(key: string, config: TrainConfig, isWanted: () => boolean = () => true): Promise<DescribeOutcome> {
    const known = this.results.get(key);
    if (known) return Promise.resolve(known);
    const flying = this.inFlight.get(key);
    if (flying) return flying;
    const promise = new Promise<DescribeOutcome>((resolve) => {
      this.queue.push({ key, config, isWanted, resolve });
    });
    this.inFlight.set(key, promise);
    void promise.then(() => this.inFlight.delete(key));
    void this.pump();
    return promise;
  }

  dispose(): void {
    this.disposed = true;
    this.running?.child.kill('SIGKILL');
    for (const p of this.queue.splice(0)) p.resolve({ kind: 'skipped' });
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        if (this.disposed || !next.isWanted()) {
          next.resolve({ kind: 'skipped' });
          continue;
        }
        const outcome = await describeInWorker(this.launch(), next.config, this.timeoutMs, (h) => {
          this.running = h;
        });
        if (outcome.kind === 'described' || (outcome.kind === 'failed' && outcome.definite)) this.results.set(next.key, outcome);
        next.resolve(outcome);
      }
    } finally {
      this.busy = false;
    }
  }
}
