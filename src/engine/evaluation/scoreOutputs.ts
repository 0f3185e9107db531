// Scores model outputs against the examples' labels: loss and the task's metrics.

import type { Evaluation, PredictionRecord } from '../../protocol/runTypes';
import type { Example } from '../data/example';
import { classIndices, type LabelCodec, unscale } from '../training/labels';
import { classificationMetrics, regressionMetrics } from './metrics';

const EPSILON = 1e-7;

export interface Scored {
  evaluation: Evaluation;
  /** The metrics logged for validation, by name. */
  metrics: Record<string, number>;
  predictions: PredictionRecord[];
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

export function scoreOutputs(codec: LabelCodec, rows: readonly Float32Array[], examples: readonly Example[], checkpoint: string): Scored {
  if (codec.scaling) {
    const yTrue = examples.map((e) => Number(e.label));
    const yPred = rows.map((r) => unscale(codec, r[0]));
    const std = codec.scaling.std;
    const loss = yTrue.reduce((acc, y, i) => acc + ((y - yPred[i]) / std) ** 2, 0) / Math.max(1, yTrue.length);
    const evaluation = regressionMetrics(yTrue, yPred, loss, checkpoint);
    return {
      evaluation,
      metrics: { loss, mae: evaluation.mae, rmse: evaluation.rmse, r2: evaluation.r2 },
      predictions: examples.map((e, i) => ({ line: e.line, label: yTrue[i], prediction: yPred[i] })),
    };
  }
  const trueIdx = classIndices(codec, examples);
  const predIdx = rows.map(argmax);
  let lossSum = 0;
  trueIdx.forEach((t, i) => {
    if (t >= 0) lossSum -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, rows[i][t])));
  });
  const loss = lossSum / Math.max(1, trueIdx.length);
  const task = codec.task === 'text-classification' || codec.task === 'image-classification' ? codec.task : 'tabular-classification';
  const evaluation = classificationMetrics(trueIdx, predIdx, codec.classes, loss, checkpoint, task);
  return {
    evaluation,
    metrics: { loss, accuracy: evaluation.accuracy, macroF1: evaluation.macroF1 },
    predictions: examples.map((e, i) => ({
      line: e.line,
      label: e.label,
      prediction: codec.classes[predIdx[i]],
      probabilities: Array.from(rows[i], (p) => Math.round(p * 1e6) / 1e6),
    })),
  };
}
