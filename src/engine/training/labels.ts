// Turns labels into training targets and model outputs back into labels.

import * as tf from '@tensorflow/tfjs';
import type { TaskKind } from '../../protocol/datasetTypes';
import type { Example } from '../data/example';

/** Standardisation of a regression target (stored so predictions come back in the user's units). */
export interface TargetScaling {
  mean: number;
  std: number;
}

export interface LabelCodec {
  task: TaskKind;
  classes: string[];
  scaling: TargetScaling | null;
}

export function isClassification(task: TaskKind): boolean {
  return task !== 'tabular-regression';
}

export function fitLabelCodec(task: TaskKind, classes: string[], train: readonly Example[]): LabelCodec {
  if (isClassification(task)) return { task, classes, scaling: null };
  const ys = train.map((e) => Number(e.label));
  const mean = ys.reduce((a, b) => a + b, 0) / Math.max(1, ys.length);
  const variance = ys.reduce((a, y) => a + (y - mean) ** 2, 0) / Math.max(1, ys.length);
  const std = Math.sqrt(variance) || 1;
  return { task, classes, scaling: { mean, std } };
}

/** Class index of each example (classification); -1 for a label not seen in training. */
export function classIndices(codec: LabelCodec, examples: readonly Example[]): number[] {
  const index = new Map(codec.classes.map((c, i) => [c, i]));
  return examples.map((e) => index.get(e.label) ?? -1);
}

/** Targets: one-hot [n, k] for classification, standardised [n, 1] for regression. */
export function encodeTargets(codec: LabelCodec, examples: readonly Example[]): tf.Tensor2D {
  if (codec.scaling) {
    const { mean, std } = codec.scaling;
    return tf.tensor2d(examples.map((e) => [(Number(e.label) - mean) / std]), [examples.length, 1]);
  }
  const k = codec.classes.length;
  const data = new Float32Array(examples.length * k);
  classIndices(codec, examples).forEach((c, i) => {
    if (c >= 0) data[i * k + c] = 1;
  });
  return tf.tensor2d(data, [examples.length, k]);
}

/** Back to the user's units (regression). */
export function unscale(codec: LabelCodec, value: number): number {
  return codec.scaling ? value * codec.scaling.std + codec.scaling.mean : value;
}

/** Per-class weights n / (k · count_c) ('balanced'), or all ones. */
export function classWeightVector(codec: LabelCodec, train: readonly Example[], mode: 'none' | 'balanced'): number[] | null {
  if (!isClassification(codec.task) || mode === 'none') return null;
  const counts = new Array<number>(codec.classes.length).fill(0);
  for (const c of classIndices(codec, train)) if (c >= 0) counts[c] += 1;
  const n = train.length;
  const k = codec.classes.length;
  return counts.map((count) => (count > 0 ? n / (k * count) : 0));
}
