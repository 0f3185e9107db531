// The trainer's multi-core switch. resolveWorkers (workersSetting.ts) says off, forced or auto.
// Forced: the worker pool starts before the first step. Auto: the first steps run on one thread
// and are timed; a step too small to gain leaves it off without starting any thread; otherwise
// the pool starts in the background while single-thread steps go on, then a few parallel steps
// are timed and the faster way is kept for the rest of the run. The decision is logged in one
// line and reported (run.json backend.workers). Results differ from a single-thread run only by
// the dropout masks (each shard draws its own) and float summation order.

import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { WorkersChoice } from '../../../protocol/runTypes';
import type { ModelPair } from '../forward';
import type { LabelCodec } from '../labels';
import { replicaBytes } from './replicaModels';
import { serialiseModels, WorkerPool } from './workerPool';
import { resolveWorkers, type WorkersRequest, type WorkersSetting } from './workersSetting';

/** Single-thread steps not timed at the start (first-call compilation and allocations). */
const WARMUP_STEPS = 1;
/** Steps timed each way. */
const TIMED_STEPS = 4;
/** A single-thread step shorter than this does not start any thread (messages and copies cost ~1 ms). */
export const MIN_STEP_MS = 8;
/** Parallel steps must be at least this much faster to be kept. */
const REQUIRED_GAIN = 0.9;

export interface ParallelTrainingInput {
  setting: WorkersSetting | undefined;
  batchSize: number;
  codec: LabelCodec;
  models: ModelPair;
  throughBase: boolean;
  x: tf.Tensor;
  y: tf.Tensor2D;
  classWeights: number[] | null;
  vars: readonly { name: string; variable: tf.Variable }[];
  log: (level: 'info' | 'warn', message: string) => void;
  /** Called once when the choice is made (run.json). */
  chosen: (choice: WorkersChoice) => void;
  /** A choice made earlier for this run (resume): under 'auto' it is kept instead of timing again. */
  earlier?: WorkersChoice | null;
  env?: NodeJS.ProcessEnv;
  backend?: string;
  cores?: number;
  freeMemory?: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Auto's verdict from the timed steps: keep the parallel way only when clearly faster. */
export function preferParallel(singleMs: number, parallelMs: number): boolean {
  return parallelMs < singleMs * REQUIRED_GAIN;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

type Phase = 'off' | 'timingSingle' | 'toStart' | 'starting' | 'timingParallel' | 'on' | 'forcedStart';

export class ParallelTraining {
  private phase: Phase;
  private pool: WorkerPool | null = null;
  private starting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private readonly single: number[] = [];
  private readonly parallel: number[] = [];
  private singleSeen = 0;
  private parallelSeen = 0;
  private request: WorkersRequest;

  constructor(private readonly input: ParallelTrainingInput) {
    const env = input.env ?? process.env;
    this.request = resolveWorkers({
      setting: input.setting,
      env,
      backend: input.backend ?? tf.getBackend(),
      cores: input.cores ?? os.availableParallelism(),
      batchSize: input.batchSize,
      models: input.models,
      throughBase: input.throughBase,
      freeMemory: input.freeMemory ?? os.freemem(),
    });
    const earlier = input.earlier ?? null;
    if (this.request.mode === 'auto' && earlier !== null && earlier.requested === 'auto') {
      const kept = `kept from when the run started (${earlier.reason})`;
      this.request =
        earlier.used > 1
          ? { mode: 'forced', requested: 'auto', shards: earlier.used, reason: kept }
          : { mode: 'off', requested: 'auto', reason: kept };
    }
    if (this.request.mode === 'off') {
      this.phase = 'off';
      input.log('info', `multi-core training off: ${this.request.reason}`);
      input.chosen({ requested: this.request.requested, used: 1, reason: this.request.reason });
    } else this.phase = this.request.mode === 'forced' ? 'forcedStart' : 'timingSingle';
  }

  /** The pool to run this step on, or null for one thread. */
  async poolForStep(): Promise<WorkerPool | null> {
    if (this.phase === 'forcedStart') {
      this.phase = 'starting';
      await this.startPool();
      if (this.pool !== null) {
        this.phase = 'on';
        const reason = this.request.reason;
        this.input.log('info', `multi-core training: ${this.pool.participants} shards per step (${reason}); each shard draws its own dropout masks (the only difference from one thread besides float rounding)`);
        this.input.chosen({ requested: this.request.requested, used: this.pool.participants, reason });
      }
    }
    if (this.phase === 'toStart') {
      // Serialised here, between steps; the threads then start while single-thread steps go on.
      this.phase = 'starting';
      const serialised = await serialiseModels(this.input.models);
      this.starting = this.startPool(serialised);
    }
    if (this.phase === 'starting' && this.pool !== null) this.phase = 'timingParallel';
    return this.phase === 'on' || this.phase === 'timingParallel' ? this.pool : null;
  }

  /** Call after each step with its wall time and whether it ran on the pool. */
  recordStep(ms: number, parallel: boolean): void {
    if (this.phase === 'timingSingle' && !parallel) {
      this.singleSeen += 1;
      if (this.singleSeen <= WARMUP_STEPS) return;
      this.single.push(ms);
      if (this.single.length < TIMED_STEPS) return;
      const singleMs = median(this.single);
      if (singleMs < MIN_STEP_MS) {
        this.decideOff(`a step takes ${round(singleMs)} ms on one thread, under the ${MIN_STEP_MS} ms worth splitting`, singleMs, null);
        return;
      }
      this.phase = 'toStart';
      return;
    }
    if (this.phase === 'timingParallel' && parallel) {
      this.parallelSeen += 1;
      if (this.parallelSeen <= WARMUP_STEPS) return;
      this.parallel.push(ms);
      if (this.parallel.length < TIMED_STEPS) return;
      const singleMs = median(this.single);
      const parallelMs = median(this.parallel);
      const shards = this.pool?.participants ?? 1;
      if (preferParallel(singleMs, parallelMs)) {
        this.phase = 'on';
        const reason = `${shards} shards: ${round(parallelMs)} ms/step against ${round(singleMs)} ms on one thread`;
        this.input.log('info', `multi-core training on (auto): ${reason}; each shard draws its own dropout masks (the only difference from one thread besides float rounding)`);
        this.input.chosen({ requested: this.request.requested, used: shards, reason, singleMsPerStep: round(singleMs), parallelMsPerStep: round(parallelMs) });
      } else {
        this.decideOff(`${shards} shards took ${round(parallelMs)} ms/step against ${round(singleMs)} ms on one thread`, singleMs, parallelMs);
        this.closing = this.closePool();
      }
    }
  }

  private decideOff(reason: string, singleMs: number | null, parallelMs: number | null): void {
    this.phase = 'off';
    this.input.log('info', `multi-core training off (auto): ${reason}`);
    this.input.chosen({
      requested: this.request.requested,
      used: 1,
      reason,
      ...(singleMs !== null ? { singleMsPerStep: round(singleMs) } : {}),
      ...(parallelMs !== null ? { parallelMsPerStep: round(parallelMs) } : {}),
    });
  }

  private async startPool(serialised?: Awaited<ReturnType<typeof serialiseModels>>): Promise<void> {
    if (this.request.mode === 'off') return;
    const { input } = this;
    const shards = this.request.shards;
    const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);
    const inputBytes = (input.x.size + input.y.size) * 4;
    input.log('info', `multi-core training: starting ${shards - 1} worker thread(s), each holding a model replica of ${mb(replicaBytes(input.models))} MB (training inputs shared, ${mb(inputBytes)} MB)`);
    const env = input.env ?? process.env;
    try {
      this.pool = await WorkerPool.start({
        participants: shards,
        backend: (input.backend ?? tf.getBackend()) === 'cpu' ? 'cpu' : 'wasm',
        models: input.models,
        throughBase: input.throughBase,
        codec: input.codec,
        classWeights: input.classWeights,
        x: input.x,
        y: input.y,
        vars: input.vars,
        ...(serialised === undefined ? {} : { serialised }),
        fault: env.FINETUNE_TEST === '1' ? (env.FINETUNE_PARALLEL_FAULT ?? null) : null,
      });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.phase = 'off';
      input.log('warn', `multi-core training off: the worker threads could not start (${why}); training on one thread`);
      input.chosen({ requested: this.request.requested, used: 1, reason: `worker threads could not start: ${why}` });
    }
  }

  private async closePool(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }

  /** Ends every worker thread (also one still starting); call on every exit path. */
  async close(): Promise<void> {
    this.phase = 'off';
    await this.starting?.catch(() => undefined);
    await this.closing;
    await this.closePool();
  }
}
