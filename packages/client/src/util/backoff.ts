/**
 * Exponential back-off for reconnects: the delay doubles from `initialMs` up to `maxMs`, and each
 * value gets up to 10 % random jitter so that many clients cut off by one broker restart do not all
 * come back in the same millisecond.
 */
export class Backoff {
  private nextMs: number;

  constructor(
    private readonly initialMs = 100,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {
    this.nextMs = initialMs;
  }

  /** Returns the delay to wait now and doubles the one after it. */
  next(): number {
    const base = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.maxMs);
    const jitter = Math.floor(base * 0.1 * this.random());
    return Math.min(base + jitter, this.maxMs);
  }

  /** Called after a successful (re)connect so the next failure starts from the short delay again. */
  reset(): void {
    this.nextMs = this.initialMs;
  }
}
