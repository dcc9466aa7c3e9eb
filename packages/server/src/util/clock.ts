/**
 * Time as a dependency (STYLE.md, "Time and I/O"): core logic asks a Clock for the time and a
 * Scheduler for timers instead of calling Date.now() or setTimeout, so tests can drive time.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Cancels a scheduled task; calling it twice is harmless. */
export type Cancel = () => void;

export interface Scheduler {
  /** Runs `fn` once after `delayMs`. */
  after(delayMs: number, fn: () => void): Cancel;
  /** Runs `fn` every `periodMs` until cancelled. */
  every(periodMs: number, fn: () => void): Cancel;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Real timers, unref'd so that a pending timer never keeps a process alive on its own. */
export const systemScheduler: Scheduler = {
  after(delayMs, fn) {
    const t = setTimeout(fn, delayMs);
    t.unref();
    return () => clearTimeout(t);
  },
  every(periodMs, fn) {
    const t = setInterval(fn, periodMs);
    t.unref();
    return () => clearInterval(t);
  },
};

/**
 * A clock and scheduler that move only when told to. `advance(ms)` runs every task that falls due,
 * in time order, so tests of TTL, retention or flush intervals are exact and instant.
 */
export class ManualClock implements Clock, Scheduler {
  private tasks: { at: number; seq: number; period: number; fn: () => void; live: boolean }[] = [];
  private seq = 0;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  after(delayMs: number, fn: () => void): Cancel {
    return this.add(delayMs, 0, fn);
  }

  every(periodMs: number, fn: () => void): Cancel {
    if (periodMs <= 0) throw new RangeError('period must be positive');
    return this.add(periodMs, periodMs, fn);
  }

  /** Moves time forward by `ms`, running due tasks in order (tasks may schedule more tasks). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.tasks = this.tasks.filter((t) => t.live);
      this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.tasks[0];
      if (!next || next.at > target) break;
      this.current = next.at;
      if (next.period > 0) next.at += next.period;
      else next.live = false;
      next.fn();
    }
    this.current = target;
  }

  private add(delayMs: number, period: number, fn: () => void): Cancel {
    const task = { at: this.current + Math.max(0, delayMs), seq: this.seq++, period, fn, live: true };
    this.tasks.push(task);
    return () => {
      task.live = false;
    };
  }
}
