/**
 * A fixed-period rate limiter (Pulsar's publish and dispatch throttling): at most `messages`
 * messages and `bytes` bytes per period of `periodMs`. Usage is counted as it happens and may
 * overshoot by one batch; the limiter then reports itself exhausted until the next period starts,
 * which is how Pulsar's PublishRateLimiterImpl and DispatchRateLimiter behave at period granularity.
 */
import type { Cancel, Clock, Scheduler } from '../../util/clock.js';

export interface RateLimit {
  /** Messages per period; 0 or less = not limited. */
  messages: number;
  /** Bytes per period; 0 or less = not limited. */
  bytes: number;
  periodMs: number;
}

export class PeriodRateLimiter {
  private limit: RateLimit | null = null;
  private periodStart = 0;
  private usedMessages = 0;
  private usedBytes = 0;
  /** Callbacks waiting for the next period (throttled dispatchers and connections). */
  private waiters: (() => void)[] = [];
  private cancelTimer: Cancel | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
  ) {}

  /** Replaces the limit (a policy change); null = unlimited, and anyone waiting is released. */
  setLimit(limit: RateLimit | null): void {
    const active = limit && (limit.messages > 0 || limit.bytes > 0) && limit.periodMs > 0;
    this.limit = active ? limit : null;
    if (!this.limit) this.release();
  }

  get enabled(): boolean {
    return this.limit !== null;
  }

  record(messages: number, bytes: number): void {
    if (!this.limit) return;
    this.roll();
    this.usedMessages += messages;
    this.usedBytes += bytes;
  }

  /** True once this period's message or byte budget is used up. */
  exhausted(): boolean {
    return this.availableMessages() <= 0;
  }

  /** Messages that may still go in this period (Infinity when not limited by messages). */
  availableMessages(): number {
    const l = this.limit;
    if (!l) return Infinity;
    this.roll();
    if (l.bytes > 0 && this.usedBytes >= l.bytes) return 0;
    return l.messages > 0 ? Math.max(0, l.messages - this.usedMessages) : Infinity;
  }

  /** Calls `fn` once when the next period starts (or at once if the limit is lifted first). */
  onNextPeriod(fn: () => void): void {
    this.waiters.push(fn);
    if (this.cancelTimer || !this.limit) return;
    const due = this.periodStart + this.limit.periodMs - this.clock.now();
    this.cancelTimer = this.scheduler.after(Math.max(1, due), () => {
      this.cancelTimer = undefined;
      this.release();
    });
  }

  /** Releases waiters and stops the timer (topic closing). */
  close(): void {
    this.release();
  }

  private release(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const waiting = this.waiters;
    this.waiters = [];
    for (const fn of waiting) fn();
  }

  private roll(): void {
    const l = this.limit!;
    const now = this.clock.now();
    if (now < this.periodStart + l.periodMs) return;
    this.periodStart = now - ((now - this.periodStart) % l.periodMs);
    this.usedMessages = 0;
    this.usedBytes = 0;
  }
}
