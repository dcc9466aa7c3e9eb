/**
 * Turns monotonically increasing counters into per-second rates, sampled at most once per
 * `minWindowMs` so that scrapes close together do not produce noisy figures.
 */
export class RateMeter {
  private lastValue: number;
  private lastAt: number;
  private current = 0;

  constructor(
    private readonly now: () => number,
    private readonly minWindowMs = 1000,
    /** The counter's value when the meter starts; a meter created late must not count history. */
    initialValue = 0,
  ) {
    this.lastAt = now();
    this.lastValue = initialValue;
  }

  /** Rate per second of `value` since the previous sample window (never negative). */
  rate(value: number): number {
    const t = this.now();
    const dt = t - this.lastAt;
    if (dt >= this.minWindowMs) {
      // A counter that went down (a consumer left and took its count along) reads as no traffic.
      this.current = Math.max(0, ((value - this.lastValue) * 1000) / dt);
      this.lastValue = value;
      this.lastAt = t;
    }
    return this.current;
  }
}
