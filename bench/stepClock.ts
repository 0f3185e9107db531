// Times training steps from their completion events: wall time (performance.now) and this
// process's CPU time (user + system) at each step's end. The first `warmup` steps are not timed,
// nor a step that starts a new epoch (the gap before it holds the previous epoch's validation).

/** A point in time: wall and CPU milliseconds. */
export interface Mark {
  wall: number;
  cpu: number;
}

export class StepClock {
  /** Steps seen so far. */
  count = 0;
  private last: Mark | null = null;
  private lastEpoch = -1;
  private wallMs = 0;
  private cpuMs = 0;
  private timed = 0;

  constructor(private readonly warmup: number) {}

  static now(): Mark {
    const u = process.cpuUsage();
    return { wall: performance.now(), cpu: (u.user + u.system) / 1000 };
  }

  /** Call when a step of `epoch` has finished. */
  step(epoch: number): void {
    const now = StepClock.now();
    this.count += 1;
    if (this.last !== null && this.count > this.warmup && epoch === this.lastEpoch) {
      this.wallMs += now.wall - this.last.wall;
      this.cpuMs += now.cpu - this.last.cpu;
      this.timed += 1;
    }
    this.last = now;
    this.lastEpoch = epoch;
  }

  summary(): { steps: number; msPerStep: number; cpuMsPerStep: number } {
    const per = (ms: number): number => (this.timed > 0 ? Math.round((ms * 100) / this.timed) / 100 : Number.NaN);
    return { steps: this.timed, msPerStep: per(this.wallMs), cpuMsPerStep: per(this.cpuMs) };
  }

  /** The summary as a bench line carries it, with examples/s for this batch size. */
  timings(batchSize: number): { steps: number; msPerStep: number; cpuMsPerStep: number; examplesPerSecond: number } {
    const t = this.summary();
    return { ...t, examplesPerSecond: t.msPerStep > 0 ? Math.round((batchSize * 10000) / t.msPerStep) / 10 : 0 };
  }
}
