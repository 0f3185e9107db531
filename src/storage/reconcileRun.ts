// Dead-worker reconciliation: a run that says it is running but whose worker process is gone is
// shown as interrupted, so the run store never shows a run as running forever.

import type { RunRecord } from '../protocol/runTypes';
import { errorCode } from './storageErrors';

/** Tells whether a process id belongs to a live process. */
export type ProcessProbe = (pid: number) => boolean;

/**
 * True while process `pid` exists. Signal 0 checks without signalling: ESRCH means no such
 * process; EPERM means it exists but belongs to another user (still alive).
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** The sentence stored as statusReason of a run whose worker died. */
export function deadWorkerReason(pid: number): string {
  return `The training process (pid ${pid}) ended without finishing; resume the run to continue from its last checkpoint.`;
}

/** True when the record claims a live worker: running, or queued with a pid (a worker was started). */
export function claimsLiveWorker(record: RunRecord): boolean {
  return record.status === 'running' || (record.status === 'queued' && record.pid !== null);
}

/**
 * The record as it should be shown: a run that claims a worker whose pid is not alive becomes
 * 'interrupted' (pid cleared, reason set). Returns the same object when nothing changes.
 * A running record without a pid is left alone: its writer has not recorded one yet.
 */
export function reconcileRun(record: RunRecord, now: Date = new Date(), isAlive: ProcessProbe = isProcessAlive): RunRecord {
  if (!claimsLiveWorker(record) || record.pid === null || isAlive(record.pid)) return record;
  return {
    ...record,
    status: 'interrupted',
    statusReason: deadWorkerReason(record.pid),
    pid: null,
    updatedAt: now.toISOString(),
  };
}
