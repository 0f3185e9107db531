// The main thread's side of data-parallel training: starts N−1 worker threads holding replicas of
// the models, and runs a step by splitting the batch into N shards (the main computes shard 0),
// summing the shards' gradients, which then equal the full batch's gradient (shardPlan.ts). A
// worker that fails, exits or stops answering rejects the step with a message saying which and
// why; close() terminates every thread and is safe to call on any path, more than once.

import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { ModelPair } from '../forward';
import type { LabelCodec } from '../labels';
import type { InitMessage, ModelArtifactsMessage, SharedMatrix, StepDoneMessage, VariableSlot, WorkerToMain } from './parallelProtocol';
import { modelToMessage } from './replicaModels';
import { lossDenominator, planShards } from './shardPlan';
import { shardGradients } from './shardGradients';
import { layoutSlots, publishWeights, sharedFloats, tensorFromShared, totalValues } from './sharedWeights';
import { readThreadTimes, type ThreadTimes } from './threadTimes';
import { startWorkerThread } from './workerScript';

export interface PoolOptions {
  /** Shards per step, the main thread included (2 = the main + one worker thread). */
  participants: number;
  backend: 'wasm' | 'cpu';
  models: ModelPair;
  throughBase: boolean;
  codec: LabelCodec;
  classWeights: number[] | null;
  /** The training split: inputs (or cached features) and targets, row by row. */
  x: tf.Tensor;
  y: tf.Tensor2D;
  vars: readonly { name: string; variable: tf.Variable }[];
  /** Test-only fault injection passed to the workers (see parallelProtocol.ts InitMessage.fault). */
  fault?: string | null;
  /** Longest wait for a worker's answer to init, ms. */
  readyTimeoutMs?: number;
  /**
   * The models already serialised (serialiseModels): a pool started in the background while the
   * main thread trains must not read weights that a step is replacing.
   */
  serialised?: { base: ModelArtifactsMessage; head: ModelArtifactsMessage };
}

/** The models as the worker threads rebuild them; call between steps and await it. */
export async function serialiseModels(models: ModelPair): Promise<{ base: ModelArtifactsMessage; head: ModelArtifactsMessage }> {
  return { base: await modelToMessage(models.base), head: await modelToMessage(models.head) };
}

export interface PoolStepResult {
  loss: number;
  /** Summed gradients by variable name; the caller disposes them. */
  grads: Map<string, tf.Tensor>;
  shards: number;
}

/** Worker threads of all pools that have started and not yet exited (tests check it returns to 0). */
let liveThreads = 0;
export function liveWorkerThreads(): number {
  return liveThreads;
}

interface Pending {
  resolve: (m: StepDoneMessage) => void;
  reject: (e: Error) => void;
}

interface Thread {
  index: number;
  worker: Worker;
  exited: Promise<void>;
  pending: Map<number, Pending>;
  onReady: ((names: string[]) => void) | null;
}

/** A copy of a split's tensor (any rank: cached prefix outputs too) that every thread reads. */
function sharedMatrix(t: tf.Tensor): { matrix: SharedMatrix; values: Float32Array | Int32Array } {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`Multi-core training: unsupported input dtype ${t.dtype}.`);
  const buffer = new SharedArrayBuffer(Math.max(4, t.size * 4));
  const values = t.dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer);
  values.set(t.dataSync() as Float32Array | Int32Array);
  return { matrix: { buffer, dtype: t.dtype, shape: [...t.shape] }, values };
}

export class WorkerPool {
  private failure: Error | null = null;
  private nextId = 1;
  private closed = false;
  /** The slowest step seen, ms: the watchdog waits 30 times that, at least a minute. */
  private slowestStepMs = 0;
  /** Each worker thread's run and wait times as its last step reported them. */
  private readonly workerTimes: (ThreadTimes | null)[] = [];

  private constructor(
    private readonly options: PoolOptions,
    private readonly threads: Thread[],
    private readonly slots: VariableSlot[],
    private readonly weights: SharedArrayBuffer,
    private readonly gradients: SharedArrayBuffer[],
    private readonly y: Float32Array | Int32Array,
    private readonly classWeightsTensor: tf.Tensor1D | null,
  ) {}

  get participants(): number {
    return this.threads.length + 1;
  }

  /** Run and wait times of the calling (main) thread now and of each worker thread after its last step (bench). */
  threadTimes(): { main: ThreadTimes | null; workers: (ThreadTimes | null)[] } {
    return { main: readThreadTimes(), workers: this.threads.map((_, i) => this.workerTimes[i] ?? null) };
  }

  static async start(options: PoolOptions): Promise<WorkerPool> {
    const slots = layoutSlots(options.vars);
    const values = totalValues(slots);
    const weights = sharedFloats(values);
    const x = sharedMatrix(options.x);
    const y = sharedMatrix(options.y);
    const { base, head } = options.serialised ?? (await serialiseModels(options.models));
    const count = Math.max(1, Math.floor(options.participants)) - 1;
    const gradients = Array.from({ length: count }, () => sharedFloats(values));
    const threads: Thread[] = [];
    const pool = new WorkerPool(
      options,
      threads,
      slots,
      weights,
      gradients,
      y.values,
      options.classWeights === null ? null : tf.tensor1d(options.classWeights),
    );
    try {
      const ready: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        const thread = pool.spawn(i + 1);
        threads.push(thread);
        const init: InitMessage = {
          type: 'init',
          index: i + 1,
          backend: options.backend,
          base,
          head,
          throughBase: options.throughBase,
          codec: options.codec,
          classWeights: options.classWeights,
          x: x.matrix,
          y: y.matrix,
          slots,
          weights,
          gradients: gradients[i],
          fault: options.fault ?? null,
        };
        ready.push(pool.awaitReady(thread, options.readyTimeoutMs ?? 180_000));
        thread.worker.postMessage(init);
      }
      await Promise.all(ready);
      return pool;
    } catch (err) {
      await pool.close();
      throw err;
    }
  }

  private spawn(index: number): Thread {
    const worker = startWorkerThread();
    liveThreads += 1;
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const thread: Thread = { index, worker, exited, pending: new Map(), onReady: null };
    worker.on('message', (m: WorkerToMain) => this.onMessage(thread, m));
    worker.on('error', (err: Error) => this.fail(thread, `failed: ${err.message}`));
    worker.on('exit', (code: number) => {
      liveThreads -= 1;
      markExited();
      if (!this.closed) this.fail(thread, `exited unexpectedly (exit code ${code})`);
    });
    return thread;
  }

  private awaitReady(thread: Thread, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Multi-core training: worker thread ${thread.index} did not start within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
      thread.pending.set(0, { resolve: () => undefined, reject: (e) => (clearTimeout(timer), reject(e)) });
      thread.onReady = (names) => {
        clearTimeout(timer);
        thread.pending.delete(0);
        const expected = this.options.vars.map((v) => v.name);
        if (names.length !== expected.length || names.some((n, i) => n !== expected[i])) {
          reject(new Error(`Multi-core training: the model replica in worker thread ${thread.index} has other trainable weights than the main (${names.length} vs ${expected.length}; first difference at ${names.findIndex((n, i) => n !== expected[i])}).`));
        } else resolve();
      };
    });
  }

  private onMessage(thread: Thread, m: WorkerToMain): void {
    if (m.type === 'ready') thread.onReady?.(m.names);
    else if (m.type === 'stepDone') {
      const p = thread.pending.get(m.id);
      thread.pending.delete(m.id);
      p?.resolve(m);
    } else this.fail(thread, `failed: ${m.message}`);
  }

  private fail(thread: Thread, what: string): void {
    const error = new Error(`Multi-core training: worker thread ${thread.index} ${what}. Set FINETUNE_WORKERS=1 (or the config's workers to 1) to train on one thread.`);
    this.failure ??= error;
    for (const t of [...this.threads.filter((x) => x !== thread), thread]) {
      for (const p of t.pending.values()) p.reject(this.failure);
      t.pending.clear();
    }
  }

  private request(thread: Thread, rows: number[], seed: number, denominator: number, timeoutMs: number): Promise<StepDoneMessage> {
    const id = this.nextId++;
    return new Promise<StepDoneMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        thread.pending.delete(id);
        this.fail(thread, `did not answer within ${Math.round(timeoutMs / 1000)} s`);
        reject(this.failure ?? new Error('worker timeout'));
      }, timeoutMs);
      thread.pending.set(id, {
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      thread.worker.postMessage({ type: 'step', id, rows, seed, denominator });
    });
  }

  /** One step's summed gradients over the batch `rows` (positions in the training split). */
  async step(rows: readonly number[], stepSeed: number): Promise<PoolStepResult> {
    if (this.failure !== null) throw this.failure;
    if (this.closed) throw new Error('Multi-core training: the worker pool is closed.');
    const started = performance.now();
    const { options, slots } = this;
    const shards = planShards(rows, this.participants, stepSeed);
    const denominator = lossDenominator(rows, this.y, options.y.shape[1], options.classWeights);
    publishWeights(options.vars, slots, this.weights);
    const timeoutMs = Math.max(60_000, 30 * this.slowestStepMs);
    const answers = shards.slice(1).map((s, i) => this.request(this.threads[i], s.rows, s.seed, denominator, timeoutMs));
    // Rejections are awaited below; until then they must not count as unhandled.
    for (const a of answers) a.catch(() => undefined);
    const idx = tf.tensor1d(shards[0].rows, 'int32');
    const xs = tf.gather(options.x, idx);
    const ys = tf.gather(options.y, idx) as tf.Tensor2D;
    let mine: { value: tf.Scalar; grads: Map<string, tf.Tensor> };
    try {
      mine = shardGradients({
        models: options.models,
        throughBase: options.throughBase,
        codec: options.codec,
        vars: options.vars,
        x: xs,
        y: ys,
        classWeights: this.classWeightsTensor,
        denominator,
        seed: shards[0].seed,
      });
    } finally {
      idx.dispose();
      xs.dispose();
      ys.dispose();
    }
    const own = { value: mine.value, list: slots.map((s) => mine.grads.get(s.name) ?? null) };
    try {
      const done = await Promise.all(answers);
      let loss = own.value.dataSync()[0];
      done.forEach((d, k) => {
        loss += d.loss;
        this.workerTimes[k] = d.times;
      });
      // Summed on the backend (SIMD on wasm): the workers' regions are copied in, then one addN.
      const grads = new Map<string, tf.Tensor>();
      slots.forEach((s, i) => {
        const parts: tf.Tensor[] = [];
        const mine = own.list[i];
        if (mine !== null) parts.push(mine);
        done.forEach((d, k) => {
          if (d.present[i]) parts.push(tensorFromShared(this.gradients[k], s));
        });
        if (parts.length === 0) return;
        grads.set(s.name, parts.length === 1 ? tf.clone(parts[0]) : tf.addN(parts));
        for (const p of parts) if (p !== mine) p.dispose();
      });
      this.slowestStepMs = Math.max(this.slowestStepMs, performance.now() - started);
      return { loss, grads, shards: shards.length };
    } finally {
      own.value.dispose();
      for (const g of own.list) g?.dispose();
    }
  }

  /** Terminates every thread and waits for their exit; safe on any path and more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.classWeightsTensor?.dispose();
    for (const t of this.threads) {
      for (const p of t.pending.values()) p.reject(this.failure ?? new Error('Multi-core training: the worker pool was closed.'));
      t.pending.clear();
    }
    await Promise.all(this.threads.map(async (t) => {
      await t.worker.terminate();
      await t.exited;
    }));
  }
}
