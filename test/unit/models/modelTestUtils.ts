// Helpers shared by the model tests (not a test file itself).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Example } from '../../../src/engine/data/example';

/** max |a - b| over all elements (shapes must match). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join(',') !== b.shape.join(',')) throw new Error(`shape [${a.shape}] vs [${b.shape}]`);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `ft-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Examples from plain records (line numbers from 2, label 'x' unless given). */
export function examples(rows: Array<Record<string, string>>, label = 'x'): Example[] {
  return rows.map((values, i) => ({ line: i + 2, values, label }));
}

/** Deterministic pseudo-random normal tensor. */
export function seededNormal(shape: number[], seed: number, std = 0.5): tf.Tensor {
  return tf.randomNormal(shape, 0, std, 'float32', seed);
}
