import { deferred, type Deferred } from './deferred.js';
import { AlreadyClosedError, TimeoutError } from '../errors.js';

interface Waiter<T> {
  d: Deferred<T>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * An unbounded FIFO with awaiting readers: the consumer's receive queue. Its size is bounded from
 * outside, by the FLOW permits the consumer grants, so the queue itself needs no limit. Readers wait
 * in arrival order; `close` fails every waiting reader.
 */
export class AsyncQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiters: Waiter<T>[] = [];
  private closedBy: Error | undefined;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.d.resolve(item);
      return;
    }
    this.items.push(item);
  }

  /** Takes the next item now, or returns undefined when empty. */
  poll(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T;
    // Compact once the consumed prefix dominates, so a long-lived queue does not keep a huge array.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /**
   * Waits for the next item; rejects with TimeoutError after `timeoutMs` when given, and with the
   * signal's reason when `signal` aborts first. A reader that gave up never takes an item, so
   * nothing is lost to an abandoned wait.
   */
  take(timeoutMs?: number, signal?: AbortSignal): Promise<T> {
    const item = this.poll();
    if (item !== undefined) return Promise.resolve(item);
    if (this.closedBy) return Promise.reject(this.closedBy);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const waiter: Waiter<T> = { d: deferred<T>(), timer: undefined };
    const giveUp = (err: unknown) => {
      if (!this.waiters.includes(waiter)) return;
      this.waiters = this.waiters.filter((w) => w !== waiter);
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.d.reject(err);
    };
    if (timeoutMs !== undefined && timeoutMs > 0) {
      waiter.timer = setTimeout(
        () => giveUp(new TimeoutError(`no message received within ${timeoutMs} ms`)),
        timeoutMs,
      );
    }
    if (signal) {
      const onAbort = () => giveUp(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      void waiter.d.promise.then(
        () => signal.removeEventListener('abort', onAbort),
        () => signal.removeEventListener('abort', onAbort),
      );
    }
    this.waiters.push(waiter);
    return waiter.d.promise;
  }

  /** Drops every queued item and returns them (used when a consumer reconnects or seeks). */
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }

  close(err: Error = new AlreadyClosedError('consumer')): void {
    this.closedBy = err;
    for (const w of this.waiters.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.d.reject(err);
    }
  }
}
