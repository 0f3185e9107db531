// Examples per second from the times of the training-loss events, excluding validation pauses.

/** Gaps longer than this (a stop and a resume) start a new throughput measurement. */
const MAX_GAP_MS = 10 * 60 * 1000;
/** Throughput is measured over at least this long… */
const WINDOW_MS = 1000;
/** …except when a validation ends the window early (short epochs), then over at least this long. */
const MIN_PARTIAL_MS = 100;

/** Examples per second from the times of the training-loss events (one per optimizer step). */
export class ThroughputMeter {
  private anchor: { step: number; time: number } | null = null;
  private latest: { step: number; time: number } | null = null;

  /** A training step at `time` (ms); returns examples/s when a window closed, else null. */
  onStep(step: number, time: number, batchSize: number): number | null {
    const anchor = this.anchor;
    if (time <= 0 || anchor === null || step <= anchor.step || time - anchor.time > MAX_GAP_MS || time < anchor.time) {
      this.anchor = time > 0 ? { step, time } : null;
      this.latest = this.anchor;
      return null;
    }
    this.latest = { step, time };
    const dt = time - anchor.time;
    if (dt < WINDOW_MS) return null;
    this.anchor = { step, time };
    return ((step - anchor.step) * batchSize) / (dt / 1000);
  }

  /**
   * Validation pauses training: closes the open window (when it is long enough to mean
   * something) and starts the next one after the validation. Returns the closed window's
   * examples/s and its last step, or null.
   */
  flush(batchSize: number): { step: number; value: number } | null {
    const { anchor, latest } = this;
    this.anchor = null;
    this.latest = null;
    if (!anchor || !latest || latest.step <= anchor.step || latest.time - anchor.time < MIN_PARTIAL_MS) return null;
    return { step: latest.step, value: ((latest.step - anchor.step) * batchSize) / ((latest.time - anchor.time) / 1000) };
  }

  reset(): void {
    this.anchor = null;
    this.latest = null;
  }
}
