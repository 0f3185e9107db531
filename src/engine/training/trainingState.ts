// Where a run stands in its training: enough to continue exactly after a stop or crash.

export interface TrainingState {
  /** Epoch in progress, 0-based (equals the number of completed epochs at an epoch boundary). */
  epoch: number;
  /** Global optimizer steps taken so far. */
  step: number;
  /** Batches of the current epoch already consumed. */
  batchInEpoch: number;
  /** Data-order RNG state at the start of the current epoch (before its shuffle). */
  epochRngState: number[];
  /** Best validation value so far, and when. */
  bestValue: number | null;
  bestEpoch: number;
  /** Validations in a row without improvement (early stopping). */
  badValidations: number;
  /** Seconds of training so far, carried across resumes. */
  trainingSeconds: number;
}

export function initialTrainingState(rngState: number[]): TrainingState {
  return {
    epoch: 0,
    step: 0,
    batchInEpoch: 0,
    epochRngState: rngState,
    bestValue: null,
    bestEpoch: -1,
    badValidations: 0,
    trainingSeconds: 0,
  };
}
