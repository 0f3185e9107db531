// Transfer speed over the last few seconds (a moving window, so a stall shows quickly) and the ETA.

interface Sample {
  time: number;
  bytes: number;
}

export class TransferRate {
  private readonly samples: Sample[] = [];
  private received = 0;

  /** `now` returns milliseconds; tests pass a fake clock. `windowMs` is how far back the speed looks. */
  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly windowMs = 5000,
  ) {
    this.samples.push({ time: this.now(), bytes: 0 });
  }

  /** Records `bytes` more received. */
  add(bytes: number): void {
    this.received += bytes;
    const time = this.now();
    this.samples.push({ time, bytes: this.received });
    while (this.samples.length > 2 && time - this.samples[1].time >= this.windowMs) this.samples.shift();
  }

  /** Bytes received so far. */
  get total(): number {
    return this.received;
  }

  /** Bytes per second over the window; 0 before any time has passed. */
  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.time - first.time) / 1000;
    return seconds > 0 ? (last.bytes - first.bytes) / seconds : 0;
  }

  /** Seconds until `remaining` more bytes arrive at the current speed; null when unknown. */
  etaSeconds(remaining: number | null): number | null {
    if (remaining === null) return null;
    if (remaining <= 0) return 0;
    const speed = this.bytesPerSecond();
    return speed > 0 ? remaining / speed : null;
  }
}
