/**
 * Persists dirty cursors lazily for a whole factory with one timer (DESIGN.md: cursor positions
 * are persisted lazily; the flush interval bounds redelivery after a crash). A cursor that becomes
 * dirty asks to be flushed within its interval; when the timer fires every dirty cursor is flushed
 * in one batch, so with a file metadata store 100,000 topics' updates share a few group commits.
 */
import type { Cancel, Clock, Scheduler } from '../../util/clock.js';

export interface Flushable {
  /** Writes the current state if it changed since the last write. */
  flush(): Promise<void>;
}

/** Cursors flushed per event-loop turn; the writes of all slices still share group commits. */
const FLUSH_SLICE = 250;

export class CursorFlusher {
  private readonly dirty = new Set<Flushable>();
  /** Batches being flushed slice by slice. */
  private readonly batches = new Set<Set<Flushable>>();
  private timer: Cancel | null = null;
  private dueAtMs = Infinity;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Number of cursors waiting for the next batch. */
  get pending(): number {
    return this.dirty.size;
  }

  /** Asks for `cursor` to be flushed within `intervalMs`. */
  markDirty(cursor: Flushable, intervalMs: number): void {
    if (this.closed) return;
    this.dirty.add(cursor);
    const due = this.clock.now() + intervalMs;
    if (due >= this.dueAtMs) return;
    this.timer?.();
    this.dueAtMs = due;
    this.timer = this.scheduler.after(intervalMs, () => this.flushAll());
  }

  /** Drops a cursor from the batch (closed or deleted; it flushes itself if needed). */
  forget(cursor: Flushable): void {
    this.dirty.delete(cursor);
    for (const b of this.batches) b.delete(cursor);
  }

  /** Flushes every dirty cursor now; resolves when all writes have settled. */
  async flushAll(): Promise<void> {
    this.timer?.();
    this.timer = null;
    this.dueAtMs = Infinity;
    const batch = new Set(this.dirty);
    this.dirty.clear();
    this.batches.add(batch);
    const flushes: Promise<void>[] = [];
    try {
      let inSlice = 0;
      for (const c of batch) {
        // Between slices the event loop serves sockets: 10,000 cursors encoded and written in one
        // turn held every publish for ~100 ms each second (BENCHMARKS.md, 10,000 topics). A
        // cursor forgotten meanwhile (closed or deleted) leaves `batch`, and a Set's iteration
        // skips entries deleted before it reaches them, so it is not written.
        if (inSlice === FLUSH_SLICE) {
          inSlice = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
          // `c` was handed out before the pause.
          if (!batch.has(c)) continue;
        }
        inSlice++;
        flushes.push(c.flush());
      }
    } finally {
      this.batches.delete(batch);
    }
    const results = await Promise.allSettled(flushes);
    for (const r of results) if (r.status === 'rejected') this.onError(r.reason);
  }

  close(): void {
    this.closed = true;
    this.timer?.();
    this.timer = null;
    this.dirty.clear();
  }
}
