import { deferred, type Deferred } from './deferred.js';

/**
 * Counting semaphore for the producer's bounded pending queue: each message in flight holds one
 * permit until its receipt (or failure) releases it. Waiters are served in FIFO order, so messages
 * enter the queue in the order `send` was called.
 */
export class Semaphore {
  private available: number;
  private waiters: Deferred<void>[] = [];

  constructor(readonly permits: number) {
    this.available = permits;
  }

  get inUse(): number {
    return this.permits - this.available;
  }

  tryAcquire(): boolean {
    if (this.available > 0 && this.waiters.length === 0) {
      this.available--;
      return true;
    }
    return false;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    const d = deferred<void>();
    this.waiters.push(d);
    return d.promise;
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.available++;
  }

  /** Fails every waiter (producer closed while senders were blocked). */
  rejectAll(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
