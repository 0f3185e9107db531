// Finds out once per VS Code session which device runs would train on: `finetune doctor --json
// --quick` in a background child process (the same runtime and settings as the training worker),
// cached per combination of the settings that change the answer (backend, Node runtime, software
// adapter). Listeners hear when an answer arrives. No vscode here: unit-tested with a fake runner.

import type { DoctorReport } from '../engine/doctor/doctorTypes';
import { describeError } from '../engine/userError';
import { parseDoctorReport } from './deviceStatus';

export type DeviceProbeState =
  | { status: 'checking' }
  | { status: 'ready'; report: DoctorReport }
  | { status: 'failed'; reason: string };

/** Runs `finetune <args>` for the settings of `key` and resolves with its stdout (rejects with the CLI's message). */
export type DoctorRunner = (args: readonly string[], key: string) => Promise<string>;

export const DOCTOR_ARGS: readonly string[] = ['doctor', '--json', '--quick'];

export class DeviceProbe {
  private readonly states = new Map<string, DeviceProbeState>();
  private readonly listeners = new Set<() => void>();
  private disposed = false;

  constructor(private readonly run: DoctorRunner) {}

  /** The answer for these settings; starts the check the first time it is asked for. */
  stateFor(key: string): DeviceProbeState {
    const known = this.states.get(key);
    if (known) return known;
    const checking: DeviceProbeState = { status: 'checking' };
    this.states.set(key, checking);
    void this.check(key);
    return checking;
  }

  /** Takes a report made elsewhere (the full check of "Check GPU Setup") as the answer for these settings. */
  remember(key: string, report: DoctorReport): void {
    this.states.set(key, { status: 'ready', report });
    this.fire();
  }

  /** Forgets every answer (e.g. after the user changed the machine's setup): the next stateFor checks again. */
  forget(): void {
    this.states.clear();
    this.fire();
  }

  /** Called whenever an answer arrives or is forgotten; returns a function that removes the listener. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  private async check(key: string): Promise<void> {
    let next: DeviceProbeState;
    try {
      const stdout = await this.run(DOCTOR_ARGS, key);
      const report = parseDoctorReport(stdout);
      next = report ? { status: 'ready', report } : { status: 'failed', reason: 'The GPU check printed no report that could be read.' };
    } catch (error) {
      next = { status: 'failed', reason: describeError(error) };
    }
    if (this.disposed || this.states.get(key)?.status !== 'checking') return;
    this.states.set(key, next);
    this.fire();
  }

  private fire(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
