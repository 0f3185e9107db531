// Types shared by the optimizer, its serialization and its checkpoint files.

import type * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  learningRate: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8 (PyTorch's default; tf.train.adam's is 1e-7). */
  epsilon?: number;
  /** Decoupled weight decay; 0 (the default) makes AdamW plain Adam. */
  weightDecay?: number;
}

/** A variable the optimizer updates; its moments are kept under `name`. */
export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

/** Gradients keyed by the NamedVariable's `name` (or, failing that, by the tf.Variable's name). */
export type GradientSet = Map<string, tf.Tensor> | Record<string, tf.Tensor>;

/** One variable of a step: its gradient and moments, and whether weight decay applies to it. */
export interface AdamWStepEntry {
  name: string;
  variable: tf.Variable;
  grad: tf.Tensor;
  m: tf.Variable;
  v: tf.Variable;
  decay: boolean;
}

/** AdamW's hyperparameters at one step t. */
export interface AdamWStepScalars {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β1^t and 1 − β2^t at this step t. */
  biasCorrection1: number;
  biasCorrection2: number;
  /** lr · weightDecay, subtracted (times the variable) from the variables whose `decay` is true. */
  decayRate: number;
}

/** What one AdamW step needs (AdamW.beginStep): hyperparameters at this step and its variables. */
export interface AdamWStepPlan extends AdamWStepScalars {
  /** The variables that have a gradient, in the order given. */
  entries: AdamWStepEntry[];
}

/** The first and second moments kept for one variable. */
export interface OptimizerSlot {
  name: string;
  shape: number[];
  m: Float32Array;
  v: Float32Array;
}

/** Everything needed to continue optimizing exactly where a run stopped. */
export interface OptimizerState {
  /** Optimizer steps taken so far (t in the bias corrections). */
  step: number;
  /** Hyperparameters in force when the state was taken (informative; not restored). */
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  slots: OptimizerSlot[];
}

/** What saveOptimizer / loadOptimizer need from an optimizer. */
export interface StatefulOptimizer {
  getState(): Promise<OptimizerState>;
  setState(state: OptimizerState): void;
}
