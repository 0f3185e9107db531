// The messages between the main thread and a data-parallel worker thread (worker_threads).
// Bulk data travels in SharedArrayBuffers: the training split's inputs and targets (written once),
// the trainable weights (written by the main before each step) and each worker's gradient region
// (written by the worker, summed by the main). Only row positions, seeds and scalars travel in
// the messages of a step.

import type { LabelCodec } from '../labels';
import type { ThreadTimes } from './threadTimes';

/** A Layers model as tfjs saves it, with its weights in one buffer. */
export interface ModelArtifactsMessage {
  modelTopology: object;
  weightSpecs: { name: string; shape: number[]; dtype: string }[];
  weightData: ArrayBuffer;
}

/** A tensor in a SharedArrayBuffer, row-major: `shape[0]` rows of the product of the rest values. */
export interface SharedMatrix {
  buffer: SharedArrayBuffer;
  dtype: 'float32' | 'int32';
  shape: number[];
}

/** Where a trainable variable lives in the weight and gradient buffers (float32 offsets). */
export interface VariableSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export interface InitMessage {
  type: 'init';
  /** This worker's number (1..N−1; the main thread is shard 0). */
  index: number;
  backend: 'wasm' | 'cpu';
  base: ModelArtifactsMessage;
  head: ModelArtifactsMessage;
  throughBase: boolean;
  codec: LabelCodec;
  classWeights: number[] | null;
  x: SharedMatrix;
  y: SharedMatrix;
  slots: VariableSlot[];
  /** Float32 values of every trainable variable, laid out by `slots`. */
  weights: SharedArrayBuffer;
  /** Float32: this worker's gradients, laid out by `slots`. */
  gradients: SharedArrayBuffer;
  /** Test-only fault injection (FINETUNE_PARALLEL_FAULT, honoured when FINETUNE_TEST=1): 'throw@K' or 'exit@K', K = this worker's step count. */
  fault: string | null;
}

export interface StepMessage {
  type: 'step';
  id: number;
  rows: number[];
  seed: number;
  denominator: number;
}

export type MainToWorker = InitMessage | StepMessage;

export interface ReadyMessage {
  type: 'ready';
  /** The worker's trainable variable names, in order (must equal the main's). */
  names: string[];
  fastPaths: string[];
}

export interface StepDoneMessage {
  type: 'stepDone';
  id: number;
  loss: number;
  /** Per slot: whether the loss reached the variable (false: no gradient, the region is zeros). */
  present: boolean[];
  /** The worker thread's run and wait times so far, at the end of this step (null off Linux). */
  times: ThreadTimes | null;
}

export interface FailedMessage {
  type: 'failed';
  message: string;
  stack: string | null;
}

export type WorkerToMain = ReadyMessage | StepDoneMessage | FailedMessage;
