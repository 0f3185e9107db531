// Marks a run failed synchronously: used when the worker is about to exit on an error.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../protocol/runTypes';
import { writeJsonAtomicSync } from '../storage/atomicWrite';
import { RUN_FILE } from '../storage/runLayout';

export function markRunFailedSync(runsDir: string, runId: string, reason: string): void {
  const file = path.join(runsDir, runId, RUN_FILE);
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
    const now = new Date().toISOString();
    writeJsonAtomicSync(file, { ...record, status: 'failed', statusReason: reason, pid: null, updatedAt: now, finishedAt: now });
  } catch {
    // The run folder is unreadable: the store shows the run as interrupted once the pid is gone.
  }
}
