// Command arguments: tree elements and panels pass RunRef / CheckpointRef objects; a tree with
// canSelectMany passes (clicked element, selected elements).

import { isCheckpointRef, isRunRef, type CheckpointRef, type RunRef } from '../extensionServices';
import { UserError } from '../../engine/userError';

export function toRunRef(value: RunRef): RunRef {
  return { runsDir: value.runsDir, runId: value.runId };
}

/** The run a command is about; throws a user error when invoked without one. */
export function runRefOf(arg: unknown): RunRef {
  if (isRunRef(arg)) return toRunRef(arg);
  throw new UserError('This command works on a run: use it from the Runs view of the Fine-Tune sidebar.');
}

export function checkpointRefOf(arg: unknown): CheckpointRef {
  if (isCheckpointRef(arg)) return { runsDir: arg.runsDir, runId: arg.runId, checkpoint: arg.checkpoint };
  throw new UserError('This command works on a checkpoint: use it from the Checkpoints view of the Fine-Tune sidebar.');
}

/** The selected runs when the clicked one is among them (multi-select), else the clicked run. */
export function runRefsOf(arg: unknown, selection: unknown): RunRef[] {
  const clicked = runRefOf(arg);
  if (Array.isArray(selection)) {
    const selected = selection.filter(isRunRef).map(toRunRef);
    if (selected.some((ref) => ref.runId === clicked.runId && ref.runsDir === clicked.runsDir)) return selected;
  }
  return [clicked];
}
