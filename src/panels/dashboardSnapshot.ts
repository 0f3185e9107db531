// Reads what the dashboard shows of a run from the run store (run.json, checkpoints,
// evaluation.json). No vscode here: the panel host and the unit tests use it alike.

import type { CheckpointMark } from '../protocol/dashboardProtocol';
import type { Evaluation, RunRecord } from '../protocol/runTypes';
import type { CheckpointInfo, RunStore } from '../storage/runStore';

export interface RunSnapshot {
  run: RunRecord;
  checkpoints: CheckpointMark[];
  evaluation: Evaluation | null;
  /** Parts that could not be read, as sentences; the rest is still shown. */
  problems: string[];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function toCheckpointMarks(infos: readonly CheckpointInfo[]): CheckpointMark[] {
  const marks: CheckpointMark[] = [];
  for (const info of infos) {
    if (!info.state) continue; // being written, or unreadable: nothing to place
    const value = info.state.value;
    marks.push({
      name: info.name,
      step: info.state.step,
      epoch: info.state.epoch,
      isBest: info.isBest,
      metric: info.state.metric,
      value: typeof value === 'number' && Number.isFinite(value) ? value : null,
    });
  }
  return marks;
}

/** run.json must be readable (its errors are thrown); checkpoints and evaluation are best effort. */
export async function readRunSnapshot(store: RunStore, runId: string): Promise<RunSnapshot> {
  const run = await store.readRun(runId);
  const problems: string[] = [];
  let checkpoints: CheckpointMark[] = [];
  let evaluation: Evaluation | null = null;
  try {
    checkpoints = toCheckpointMarks(await store.listCheckpoints(runId));
  } catch (error) {
    problems.push(`The checkpoints could not be read: ${message(error)}`);
  }
  try {
    evaluation = await store.readEvaluation(runId);
  } catch (error) {
    problems.push(`The test evaluation could not be read: ${message(error)}`);
  }
  return { run, checkpoints, evaluation, problems };
}

/** Queued or running: the panel follows its files. */
export function isActiveStatus(run: RunRecord): boolean {
  return run.status === 'running' || run.status === 'queued';
}
