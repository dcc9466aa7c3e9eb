/**
 * Time as a dependency (STYLE.md, "Time and I/O"): timer-driven client logic (negative acks, chunk
 * expiry, pattern rediscovery, ack timeout) asks a TimeSource for the time and for timers instead
 * of calling Date.now() or setTimeout, so tests can drive time with a ManualClock. The shape matches
 * the broker's Clock/Scheduler pair; the client keeps its own copy so it never depends on the server.
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

export interface TimeSource extends Clock, Scheduler {}

/** Real time; timers are unref'd so that a pending client timer never keeps a process alive. */
export const systemTime: TimeSource = {
  now: () => Date.now(),
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

interface Task {
  at: number;
  seq: number;
  period: number;
  fn: () => void;
  live: boolean;
}

/**
 * A clock whose time moves only when told to. `advance(ms)` runs every task that falls due, in time
 * order (tasks may schedule more tasks), so timer-driven tests are exact and instant.
 */
export class ManualClock implements TimeSource {
  private tasks: Task[] = [];
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

  /** Tasks still scheduled (periodic ones count once). */
  get pendingTasks(): number {
    return this.tasks.filter((t) => t.live).length;
  }

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
    const task: Task = { at: this.current + Math.max(0, delayMs), seq: this.seq++, period, fn, live: true };
    this.tasks.push(task);
    return () => {
      task.live = false;
    };
  }
}
