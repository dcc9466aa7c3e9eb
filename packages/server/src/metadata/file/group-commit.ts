/**
 * Group commit for the file metadata store: records queued while one write+fsync is in flight go
 * out together in the next one, so N concurrent puts cost one fsync rather than N. The first
 * batch starts after the current synchronous run of callers (a microtask), so a burst of puts
 * issued together, such as a cursor flush of every topic, lands in one batch. A failed write is
 * fatal: every queued and later record is rejected (fail-stop, because the on-disk state after a
 * failed fsync is unknown).
 */

interface Pending {
  readonly frame: Buffer;
  readonly done: (err: Error | null) => void;
}

export interface CommitTarget {
  /** Writes the frames in order and makes them durable. */
  write(frames: Buffer[], bytes: number): Promise<void>;
  /** Runs between batches while nothing is being written (log switching). */
  between(): Promise<void>;
}

/** Bytes per write call: large batches are written in slices of this size, then fsync'd once. */
export const MAX_WRITE_BYTES = 8 * 1024 * 1024;

export class GroupCommitter {
  private queue: Pending[] = [];
  private running = false;
  private failure: Error | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Number of write batches so far (tests check that concurrent puts share one). */
  batches = 0;

  constructor(
    private readonly target: CommitTarget,
    private readonly onFatal: (err: Error) => void,
  ) {}

  get failed(): Error | null {
    return this.failure;
  }

  /** Queues a record; `done` runs, in queue order, once it is durable (or with the error). */
  submit(frame: Buffer, done: (err: Error | null) => void): void {
    if (this.failure) {
      done(this.failure);
      return;
    }
    this.queue.push({ frame, done });
    if (!this.running) {
      this.running = true;
      queueMicrotask(() => void this.run());
    }
  }

  /** Resolves once every queued record has been written (or failed). */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failure) {
        const batch = this.takeBatch();
        try {
          await this.target.write(
            batch.map((p) => p.frame),
            batch.reduce((n, p) => n + p.frame.length, 0),
          );
          this.batches++;
        } catch (err) {
          this.fail(err instanceof Error ? err : new Error(String(err)), batch);
          break;
        }
        for (const p of batch) p.done(null);
        try {
          await this.target.between();
        } catch (err) {
          this.fail(err instanceof Error ? err : new Error(String(err)), []);
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Everything queued so far; one batch has no size limit because the target writes it in slices. */
  private takeBatch(): Pending[] {
    const batch = this.queue;
    this.queue = [];
    return batch;
  }

  private fail(err: Error, batch: Pending[]): void {
    this.failure = err;
    const doomed = [...batch, ...this.queue];
    this.queue = [];
    for (const p of doomed) p.done(err);
    this.onFatal(err);
  }
}
