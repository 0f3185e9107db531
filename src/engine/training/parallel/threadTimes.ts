// How long the calling thread has run on a core and waited for one, from Linux's per-thread
// scheduler statistics (/proc/thread-self/schedstat: ns on a CPU, ns runnable in a run queue).
// The bench uses them to tell a step slowed by other processes (time waiting for a core) from a
// step that costs more CPU. The counters are exact at each context switch and lag by at most a
// scheduler tick in between, so use differences over many steps. Null where the file is missing.

import { readFileSync } from 'node:fs';

export interface ThreadTimes {
  /** Milliseconds this thread has run on a core since it started. */
  runMs: number;
  /** Milliseconds it was runnable but waiting for a core. */
  waitMs: number;
}

const SCHEDSTAT = '/proc/thread-self/schedstat';

export function readThreadTimes(): ThreadTimes | null {
  try {
    const [run, wait] = readFileSync(SCHEDSTAT, 'utf8').trim().split(/\s+/).map(Number);
    if (!Number.isFinite(run) || !Number.isFinite(wait)) return null;
    return { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return null;
  }
}

/** Per-step means between two readings; null when either is missing or no step passed. */
export function perStep(from: ThreadTimes | null, to: ThreadTimes | null, steps: number): ThreadTimes | null {
  if (from === null || to === null || steps <= 0) return null;
  const r = (ms: number): number => Math.round((ms * 100) / steps) / 100;
  return { runMs: r(to.runMs - from.runMs), waitMs: r(to.waitMs - from.waitMs) };
}
