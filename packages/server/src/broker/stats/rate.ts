/**
 * Turns monotonically increasing counters into per-second rates, sampled at most once per
 * `minWindowMs` so that scrapes close together do not produce noisy figures.
 */
export class RateMeter {
  private lastValue = 0;
  private lastAt: number;
  private current = 0;

  constructor(
    private readonly now: () => number,
    private readonly minWindowMs = 1000,
  ) {
    this.lastAt = now();
  }

  /** Rate per second of `value` since the previous sample window. */
  rate(value: number): number {
    const t = this.now();
    const dt = t - this.lastAt;
    if (dt >= this.minWindowMs) {
      this.current = ((value - this.lastValue) * 1000) / dt;
      this.lastValue = value;
      this.lastAt = t;
    }
    return this.current;
  }
}
