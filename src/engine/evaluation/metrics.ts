// Test-split metrics, as pure functions over plain arrays (no TensorFlow.js).
//
// Choices, made to match scikit-learn's defaults so numbers agree with what users compute there:
// - A class with no predictions has precision 0; a class with no examples has recall 0; F1 is 0
//   when precision + recall is 0 (sklearn's zero_division=0 behaviour, without the warning).
// - Macro-F1 is the unweighted mean of per-class F1 over the classes that occur in the true
//   labels OR in the predictions (sklearn's `f1_score(average='macro')` without `labels=`).
//   Classes of `labels` that occur in neither are listed in perClass with zeros but do not pull
//   the mean down: a rare class absent from a small test split is not counted as a failure.
// - R² = 1 − SS_res / SS_tot. When SS_tot = 0 (every true value equal), R² is 1 for a perfect
//   prediction and 0 otherwise (sklearn's `force_finite=True`), so the value stays finite in JSON.
// - Empty inputs give rows = 0 and all metrics 0 (JSON cannot hold NaN); callers should not
//   evaluate an empty test split.

import type { ClassMetrics, ClassificationEvaluation, RegressionEvaluation } from '../../protocol/runTypes';

/** Probabilities below this are clipped before the logarithm (Keras' epsilon), so one confident mistake stays finite. */
export const PROBABILITY_EPSILON = 1e-7;

function assertSameLength(a: readonly unknown[], b: readonly unknown[], what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: ${a.length} true values but ${b.length} predictions.`);
}

function assertClassIndex(index: number, classes: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= classes) {
    throw new RangeError(`${what}: class index ${index} is outside 0..${classes - 1}.`);
  }
}

/** matrix[i][j]: examples of true class i predicted as class j. */
export function confusionMatrix(trueIdx: readonly number[], predIdx: readonly number[], classes: number): number[][] {
  assertSameLength(trueIdx, predIdx, 'confusionMatrix');
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let n = 0; n < trueIdx.length; n++) {
    assertClassIndex(trueIdx[n], classes, 'confusionMatrix (true)');
    assertClassIndex(predIdx[n], classes, 'confusionMatrix (predicted)');
    matrix[trueIdx[n]][predIdx[n]] += 1;
  }
  return matrix;
}

/** Accuracy, per-class precision/recall/F1/support, macro-F1 and the confusion matrix (rows = true, columns = predicted). */
export function classificationMetrics(
  trueIdx: readonly number[],
  predIdx: readonly number[],
  labels: readonly string[],
  meanLoss: number,
  checkpoint: string,
  task: ClassificationEvaluation['task'],
): ClassificationEvaluation {
  const k = labels.length;
  const matrix = confusionMatrix(trueIdx, predIdx, k);
  const rows = trueIdx.length;
  const perClass: ClassMetrics[] = [];
  let correct = 0;
  let f1Sum = 0;
  let f1Count = 0;
  for (let c = 0; c < k; c++) {
    const tp = matrix[c][c];
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += matrix[c][j];
      predicted += matrix[j][c];
    }
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ label: labels[c], precision, recall, f1, support });
    correct += tp;
    if (support > 0 || predicted > 0) {
      f1Sum += f1;
      f1Count += 1;
    }
  }
  return {
    task,
    checkpoint,
    rows,
    loss: meanLoss,
    accuracy: rows > 0 ? correct / rows : 0,
    macroF1: f1Count > 0 ? f1Sum / f1Count : 0,
    perClass,
    confusion: { labels: [...labels], matrix },
  };
}

/** MAE, RMSE and R² of a regression. */
export function regressionMetrics(
  yTrue: readonly number[],
  yPred: readonly number[],
  meanLoss: number,
  checkpoint: string,
): RegressionEvaluation {
  assertSameLength(yTrue, yPred, 'regressionMetrics');
  const n = yTrue.length;
  if (n === 0) return { task: 'tabular-regression', checkpoint, rows: 0, loss: meanLoss, mae: 0, rmse: 0, r2: 0 };
  let mean = 0;
  for (const y of yTrue) mean += y;
  mean /= n;
  let absSum = 0;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const error = yTrue[i] - yPred[i];
    absSum += Math.abs(error);
    ssRes += error * error;
    ssTot += (yTrue[i] - mean) ** 2;
  }
  const r2 = ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
  return { task: 'tabular-regression', checkpoint, rows: n, loss: meanLoss, mae: absSum / n, rmse: Math.sqrt(ssRes / n), r2 };
}

/** Mean categorical cross-entropy −ln p[true] over rows, with p clipped below at PROBABILITY_EPSILON. */
export function crossEntropy(probs: readonly (readonly number[])[], trueIdx: readonly number[]): number {
  assertSameLength(trueIdx, probs, 'crossEntropy');
  if (probs.length === 0) return 0;
  let sum = 0;
  for (let n = 0; n < probs.length; n++) {
    assertClassIndex(trueIdx[n], probs[n].length, 'crossEntropy');
    sum += -Math.log(Math.min(1, Math.max(PROBABILITY_EPSILON, probs[n][trueIdx[n]])));
  }
  return sum / probs.length;
}
