// Child processes of the suite: each in its own process group, so that stopping it also stops what it
// started (code-server's extension host, the training worker). Everything still alive is killed when
// the test process exits, whatever the reason.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

process.on('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of live) killGroup(child, 'SIGKILL');
    process.exit(130);
  });
}

/** Starts a command in a new process group, remembered until it exits. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM to the whole group, then SIGKILL after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.pid === undefined) return;
  const done = exited(child) ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([done, timer])) === 'timeout') killGroup(child, 'SIGKILL');
  // Whatever stays in the group after its leader exited (a worker that ignores SIGTERM).
  killGroup(child, 'SIGKILL');
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  live.delete(child);
}

/** Pids of processes whose command line mentions `needle` (e.g. a session's temporary folder). */
export function processesMentioning(needle: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (command.includes(needle)) found.push({ pid, command });
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** Kills, by pid, every process still mentioning `needle`; returns what had to be killed. */
export async function killStragglers(needle: string): Promise<string[]> {
  const stragglers = processesMentioning(needle);
  for (const { pid } of stragglers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  if (stragglers.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  return stragglers.map((s) => `${s.pid} ${s.command.slice(0, 200)}`);
}
