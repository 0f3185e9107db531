// Entry of a data-parallel worker thread (worker_threads; bundled as dist/parallel-worker.js, run
// from this file through tsx under the tests). It builds a replica of the run's models on the same
// backend with the same fast paths, then for each step: assigns the trainable weights the main
// published, computes the gradient of its shard's share of the batch loss (shardGradients.ts) and
// writes it into its gradient region. Any failure is reported to the main, which fails the run.

import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { cpuCandidate, wasmCandidate } from '../../backends/jsCandidates';
import { tryCandidate } from '../../backends/selectBackend';
import { registerSegmentSumKernels } from '../../backends/unsortedSegmentSum';
import { installFastPaths } from '../../backends/fastPaths/installFastPaths';
import { registerConvGradKernels } from '../../models/mobileNetWasmKernels';
import { trainableVariables } from '../trainer';
import type { InitMessage, MainToWorker, StepMessage, WorkerToMain } from './parallelProtocol';
import { pairFromMessages } from './replicaModels';
import { shardGradients } from './shardGradients';
import { assignWeights, writeGradients } from './sharedWeights';
import { readThreadTimes } from './threadTimes';
import type { ModelPair } from '../forward';

interface Replica {
  init: InitMessage;
  models: ModelPair;
  vars: { name: string; variable: tf.Variable }[];
  classWeights: tf.Tensor1D | null;
  steps: number;
}

function send(message: WorkerToMain): void {
  parentPort?.postMessage(message);
}

function fail(err: unknown): void {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? (err.stack ?? null) : null });
}

async function setUp(init: InitMessage): Promise<Replica> {
  const candidate = init.backend === 'wasm' ? wasmCandidate() : cpuCandidate();
  const problem = await tryCandidate(candidate);
  if (problem !== null) throw new Error(`backend '${init.backend}' is not usable in the worker thread: ${problem}`);
  registerSegmentSumKernels();
  registerConvGradKernels();
  const fastPaths = installFastPaths(init.backend, () => undefined);
  const models = await pairFromMessages(init.base, init.head);
  const vars = trainableVariables(models, init.throughBase);
  send({ type: 'ready', names: vars.map((v) => v.name), fastPaths });
  const classWeights = init.classWeights === null ? null : tf.tensor1d(init.classWeights);
  return { init, models, vars, classWeights, steps: 0 };
}

/** The rows of a shared matrix, copied into a tensor. */
function gatherRows(matrix: InitMessage['x'], rows: readonly number[]): tf.Tensor {
  const width = matrix.shape.slice(1).reduce((a, b) => a * b, 1);
  const source = matrix.dtype === 'int32' ? new Int32Array(matrix.buffer) : new Float32Array(matrix.buffer);
  const out = matrix.dtype === 'int32' ? new Int32Array(rows.length * width) : new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(source.subarray(r * width, (r + 1) * width), i * width));
  return tf.tensor(out, [rows.length, ...matrix.shape.slice(1)], matrix.dtype);
}

function injectFault(replica: Replica): void {
  const fault = replica.init.fault;
  if (fault === null) return;
  const [kind, at] = fault.split('@');
  if (Number(at) !== replica.steps) return;
  if (kind === 'exit') process.exit(3);
  if (kind === 'throw') throw new Error(`injected fault at step ${replica.steps} (FINETUNE_PARALLEL_FAULT)`);
}

function step(replica: Replica, message: StepMessage): void {
  replica.steps += 1;
  injectFault(replica);
  const { init, models, vars } = replica;
  assignWeights(vars, init.slots, init.weights);
  const x = gatherRows(init.x, message.rows);
  const y = gatherRows(init.y, message.rows) as tf.Tensor2D;
  try {
    const { value, grads } = shardGradients({
      models,
      throughBase: init.throughBase,
      codec: init.codec,
      vars,
      x,
      y,
      classWeights: replica.classWeights,
      denominator: message.denominator,
      seed: message.seed,
    });
    try {
      const present = writeGradients(grads, init.slots, init.gradients);
      const loss = value.dataSync()[0];
      send({ type: 'stepDone', id: message.id, loss, present, times: readThreadTimes() });
    } finally {
      value.dispose();
      for (const g of grads.values()) g.dispose();
    }
  } finally {
    x.dispose();
    y.dispose();
  }
}

let replica: Promise<Replica> | null = null;

parentPort?.on('message', (message: MainToWorker) => {
  if (message.type === 'init') {
    replica = setUp(message);
    replica.catch(fail);
    return;
  }
  if (replica === null) {
    fail(new Error('step before init'));
    return;
  }
  replica.then((r) => step(r, message)).catch(fail);
});
