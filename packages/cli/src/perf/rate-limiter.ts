/**
 * A token bucket for the publish rate: tokens accrue at `ratePerSec` and a message may be sent for
 * each whole token. The load generator refills it from a single periodic timer and whenever it is
 * about to send, so the cost is one clock read per send burst, not a timer per message.
 *
 * The bucket holds at most `burstMs` worth of whole tokens (at least one). After a stall (GC, a busy core) the messages
 * that fell due during the stall go out at once, up to that cap, so the achieved rate stays on
 * target rather than silently dropping; a longer stall loses the excess and shows as a lower
 * measured rate. Pure: time is passed in (milliseconds, any monotonic origin).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  /** `ratePerSec` 0 means unlimited: every request is granted in full. */
  constructor(
    readonly ratePerSec: number,
    nowMs: number,
    burstMs = 100,
  ) {
    if (!(ratePerSec >= 0) || !Number.isFinite(ratePerSec)) throw new RangeError('rate must be >= 0');
    if (!(burstMs > 0)) throw new RangeError('burstMs must be > 0');
    this.capacity = Math.max(1, Math.floor((ratePerSec * burstMs) / 1000));
    this.last = nowMs;
    // Start with one token so a slow rate sends its first message at once rather than after 1/rate.
    this.tokens = Math.min(1, this.capacity);
  }

  get unlimited(): boolean {
    return this.ratePerSec === 0;
  }

  private refill(nowMs: number): void {
    const elapsed = nowMs - this.last;
    if (elapsed <= 0) return;
    this.last = nowMs;
    const tokens = this.tokens + (elapsed * this.ratePerSec) / 1000;
    // Cap the whole tokens only: the fraction towards the next one is never lost, so a slow rate
    // (a capacity of one token) still averages out exactly.
    this.tokens = Math.min(tokens, this.capacity + (tokens % 1));
  }

  /** Whole tokens held; the epsilon absorbs float error from summing many small increments. */
  private whole(): number {
    return Math.floor(this.tokens + 1e-9);
  }

  /** Whole tokens available at `nowMs` (Infinity when unlimited). */
  available(nowMs: number): number {
    if (this.unlimited) return Infinity;
    this.refill(nowMs);
    return this.whole();
  }

  /** Takes up to `wanted` tokens and returns how many were granted. */
  take(wanted: number, nowMs: number): number {
    if (wanted <= 0) return 0;
    if (this.unlimited) return wanted;
    this.refill(nowMs);
    const granted = Math.min(wanted, this.whole());
    this.tokens = Math.max(0, this.tokens - granted);
    return granted;
  }
}
