import { describe, expect, it } from 'vitest';
import { AlreadyClosedError, TimeoutError } from '../errors.js';
import { AsyncQueue } from './async-queue.js';
import { Backoff } from './backoff.js';
import { Semaphore } from './semaphore.js';

describe('Backoff', () => {
  it('doubles from 100 ms to the 30 s cap with at most 10 % jitter, and resets', () => {
    const b = new Backoff(100, 30_000, () => 0.999);
    const seen = Array.from({ length: 12 }, () => b.next());
    expect(seen[0]).toBeGreaterThanOrEqual(100);
    expect(seen[0]).toBeLessThan(111);
    expect(seen[1]).toBeGreaterThanOrEqual(200);
    expect(seen.at(-1)).toBe(30_000);
    b.reset();
    expect(b.next()).toBeLessThan(111);
  });
});

describe('AsyncQueue', () => {
  it('hands items to waiting readers in order and times out', async () => {
    const q = new AsyncQueue<number>();
    const a = q.take();
    const b = q.take();
    q.push(1);
    q.push(2);
    q.push(3);
    expect(await a).toBe(1);
    expect(await b).toBe(2);
    expect(q.size).toBe(1);
    expect(await q.take()).toBe(3);
    await expect(q.take(20)).rejects.toBeInstanceOf(TimeoutError);
  });

  it('gives up a wait when its signal aborts, without taking a later item', async () => {
    const q = new AsyncQueue<number>();
    const ctl = new AbortController();
    const waiting = q.take(undefined, ctl.signal);
    ctl.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    q.push(7);
    expect(q.size).toBe(1); // the item went to the queue, not to the abandoned reader
    expect(await q.take(undefined, ctl.signal)).toBe(7); // an item at hand is still taken
    await expect(q.take(undefined, ctl.signal)).rejects.toThrow('stop');
  });

  it('fails waiting readers on close', async () => {
    const q = new AsyncQueue<number>();
    const waiting = q.take();
    q.close();
    await expect(waiting).rejects.toBeInstanceOf(AlreadyClosedError);
    await expect(q.take()).rejects.toBeInstanceOf(AlreadyClosedError);
  });
});

describe('Semaphore', () => {
  it('serves waiters in FIFO order and bounds concurrent holders', async () => {
    const s = new Semaphore(2);
    expect(s.tryAcquire()).toBe(true);
    expect(s.tryAcquire()).toBe(true);
    expect(s.tryAcquire()).toBe(false);
    const order: number[] = [];
    const w1 = s.acquire().then(() => order.push(1));
    const w2 = s.acquire().then(() => order.push(2));
    s.release();
    await w1;
    expect(order).toEqual([1]);
    expect(s.inUse).toBe(2);
    s.release();
    await w2;
    expect(order).toEqual([1, 2]);
  });
});
