// The plain data elements of the Runs and Checkpoints trees. Run and checkpoint elements carry a
// RunRef / CheckpointRef (runsDir, runId[, checkpoint]) so commands receive them as arguments.

import * as path from 'node:path';
import type { RunRecord } from '../protocol/runTypes';
import type { CheckpointInfo } from '../storage/runStore';
import type { CheckpointRef, RunRef } from '../host/extensionServices';

/** A runs folder, shown as a group when the workspace has several. */
export interface RunsFolderElement {
  readonly kind: 'runsFolder';
  readonly runsDir: string;
}

export interface RunElement extends RunRef {
  readonly kind: 'run';
  /** run.json as last read; replaced in place on refresh so the element keeps its identity. */
  record: RunRecord;
}

export interface CheckpointElement extends CheckpointRef {
  readonly kind: 'checkpoint';
  info: CheckpointInfo;
}

/** What the trees need to know of the training service. */
export interface RunActivityLookup {
  activityOf(runId: string): 'queued' | 'running' | null;
  isStopping(runId: string): boolean;
}

export function runKey(ref: RunRef): string {
  return `${ref.runsDir}${path.sep}${ref.runId}`;
}

/** Keeps one element object per key across refreshes: VS Code finds elements by identity. */
export class ElementCache<T> {
  private readonly elements = new Map<string, T>();

  get(key: string): T | undefined {
    return this.elements.get(key);
  }

  keep(key: string, create: () => T, update: (element: T) => void): T {
    const existing = this.elements.get(key);
    if (existing) {
      update(existing);
      return existing;
    }
    const element = create();
    this.elements.set(key, element);
    return element;
  }

  /** Drops the elements of `prefix` whose keys are not in `kept`. */
  prune(prefix: string, kept: ReadonlySet<string>): void {
    for (const key of this.elements.keys()) if (key.startsWith(prefix) && !kept.has(key)) this.elements.delete(key);
  }
}

/**
 * Gives the run elements already shown for `changed` their fresh record (from the runs index);
 * returns those elements, the ones a tree refreshes.
 */
export function refreshRunElements(
  changed: readonly RunRef[],
  elements: ElementCache<RunElement>,
  cached: (ref: RunRef) => RunRecord | undefined,
): RunElement[] {
  const updated: RunElement[] = [];
  for (const ref of changed) {
    const element = elements.get(runKey(ref));
    const record = cached(ref);
    if (!element || !record) continue;
    element.record = record;
    updated.push(element);
  }
  return updated;
}
