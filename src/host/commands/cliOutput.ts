// Reads the --json output of `finetune predict` and `finetune eval`.

import type { Evaluation } from '../../protocol/runTypes';
import { defaultEvaluationName } from '../../storage/evaluationsStore';
import { isEvaluation } from '../../storage/recordGuards';
import { UserError } from '../../engine/userError';

export interface Prediction {
  prediction: string | number;
  /** Class → probability (classification only). */
  probabilities: Record<string, number> | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first prediction line of `finetune predict --json`. */
export function parsePrediction(stdout: string): Prediction {
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim().startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isRecord(value) || (typeof value.prediction !== 'string' && typeof value.prediction !== 'number')) continue;
    const probabilities = isRecord(value.probabilities)
      ? Object.fromEntries(Object.entries(value.probabilities).filter((entry): entry is [string, number] => typeof entry[1] === 'number'))
      : null;
    return { prediction: value.prediction, probabilities };
  }
  throw new UserError('The prediction command printed no prediction.');
}

/** "spam 91.2%, ham 8.8%": the most likely classes first. */
export function formatProbabilities(probabilities: Record<string, number>, limit = 5): string {
  const sorted = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, limit).map(([label, p]) => `${label} ${(100 * p).toFixed(1)}%`);
  if (sorted.length > limit) shown.push(`${sorted.length - limit} more`);
  return shown.join(', ');
}

/** The evaluation JSON printed by `finetune eval --json`. */
export function parseEvaluation(stdout: string): Evaluation {
  const start = stdout.indexOf('{');
  let value: unknown;
  try {
    value = JSON.parse(stdout.slice(start));
  } catch {
    throw new UserError('The evaluation command printed no evaluation.');
  }
  if (start < 0 || !isEvaluation(value)) throw new UserError('The evaluation command printed no evaluation.');
  return value;
}

/** "accuracy 0.912, macro-F1 0.887" or "MAE 1.234, R² 0.910". */
export function evaluationHeadline(evaluation: Evaluation): string {
  if (evaluation.task === 'tabular-regression') return `MAE ${evaluation.mae.toFixed(3)}, RMSE ${evaluation.rmse.toFixed(3)}, R² ${evaluation.r2.toFixed(3)}`;
  return `accuracy ${evaluation.accuracy.toFixed(3)}, macro-F1 ${evaluation.macroF1.toFixed(3)}`;
}

/** Where `finetune eval --dataset FILE` stores its result, relative to the run folder. */
export function storedEvaluationName(datasetFile: string): string {
  return `${defaultEvaluationName(datasetFile)}.json`;
}
