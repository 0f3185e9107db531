// Seconds per optimizer step over the last minute of training, validation pauses included, from
// the times of the training-loss events: a steadier ETA than the worker's 20-step window, which
// jumps after every validation.

/** The pace is measured over this much of the most recent training. */
const WINDOW_MS = 60 * 1000;
/** A longer gap between two steps (a stop, then a resume) starts over. */
const MAX_GAP_MS = 10 * 60 * 1000;

export class PaceMeter {
  private steps: number[] = [];
  private times: number[] = [];
  /** Entries before `head` are out of the window (dropped in chunks). */
  private head = 0;

  add(step: number, time: number): void {
    if (time <= 0) return;
    const n = this.steps.length;
    if (n > this.head && (step <= this.steps[n - 1] || time < this.times[n - 1] || time - this.times[n - 1] > MAX_GAP_MS)) this.clear();
    this.steps.push(step);
    this.times.push(time);
    while (this.head < this.times.length - 1 && this.times[this.head + 1] <= time - WINDOW_MS) this.head++;
    if (this.head > 4096) {
      this.steps = this.steps.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  /** Seconds per step over the window; null until two steps are known. */
  secondsPerStep(): number | null {
    const last = this.steps.length - 1;
    if (last <= this.head) return null;
    const steps = this.steps[last] - this.steps[this.head];
    const ms = this.times[last] - this.times[this.head];
    return steps > 0 && ms > 0 ? ms / 1000 / steps : null;
  }

  /** Time (ms) of the newest step, 0 when none. */
  lastTime(): number {
    return this.times.length > this.head ? this.times[this.times.length - 1] : 0;
  }

  clear(): void {
    this.steps = [];
    this.times = [];
    this.head = 0;
  }
}
