// Waits until every run of a sweep has left the training service (finished, failed, stopped or
// removed from the queue), reporting how many are done each time the queue changes.

import type { TrainingServiceApi } from '../trainingServiceApi';

export type RunActivitySource = Pick<TrainingServiceApi, 'activityOf' | 'onDidChangeQueue'>;

/** How many of `runIds` the service no longer holds. */
export function runsDone(training: RunActivitySource, runIds: readonly string[]): number {
  return runIds.filter((id) => training.activityOf(id) === null).length;
}

/** Resolves when the service holds none of `runIds`; `onProgress(done)` is called whenever the count changes (and once at the start). */
export function waitForRuns(training: RunActivitySource, runIds: readonly string[], onProgress: (done: number) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    let last = -1;
    let finished = false;
    const check = (): void => {
      if (finished) return;
      const done = runsDone(training, runIds);
      if (done !== last) {
        last = done;
        onProgress(done);
      }
      if (done === runIds.length) {
        finished = true;
        subscription.dispose();
        resolve();
      }
    };
    const subscription = training.onDidChangeQueue(check);
    check();
  });
}
