import { deferred, type Deferred } from '../util/deferred.js';

/**
 * Runs tasks concurrently across keys and one at a time, in submission order, within a key: the
 * engine of `consumer.processByKey`. At most `concurrency` tasks run at once and at most
 * `maxQueued` wait, so a slow key cannot make the consumer buffer without bound: `submit` waits for
 * room, which stops the receive loop, which stops FLOW permits, which stops the broker.
 * A key whose task finished goes to the back of the line, so one busy key cannot starve others.
 */
export class KeyOrderedExecutor {
  /** Waiting tasks per key; a key is present while it has waiting or running tasks. */
  private readonly lanes = new Map<string, (() => Promise<void>)[]>();
  /** Keys with a waiting task and nothing running, in the order they became ready. */
  private readonly ready: string[] = [];
  private readonly busy = new Set<string>();
  private running = 0;
  private waiting = 0;
  private readonly roomWaiters: Deferred<void>[] = [];
  private readonly idleWaiters: Deferred<void>[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be >= 1');
    if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new RangeError('maxQueued must be >= 1');
  }

  get runningTasks(): number {
    return this.running;
  }

  get waitingTasks(): number {
    return this.waiting;
  }

  /** Queues `task` behind the earlier tasks of `key`; resolves once it is queued (not run). */
  async submit(key: string, task: () => Promise<void>): Promise<void> {
    while (this.waiting >= this.maxQueued) {
      const d = deferred<void>();
      this.roomWaiters.push(d);
      await d.promise;
    }
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = [];
      this.lanes.set(key, lane);
    }
    lane.push(task);
    this.waiting++;
    if (lane.length === 1 && !this.busy.has(key)) this.ready.push(key);
    this.pump();
  }

  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting === 0) return Promise.resolve();
    const d = deferred<void>();
    this.idleWaiters.push(d);
    return d.promise;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const task = this.lanes.get(key)!.shift()!;
      this.waiting--;
      this.running++;
      this.busy.add(key);
      this.roomWaiters.shift()?.resolve();
      void this.run(key, task);
    }
  }

  private async run(key: string, task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch {
      // Tasks report their own failures; one failing must not stop its key or the executor.
    }
    this.running--;
    this.busy.delete(key);
    const lane = this.lanes.get(key)!;
    if (lane.length > 0) this.ready.push(key);
    else this.lanes.delete(key);
    this.pump();
    if (this.running === 0 && this.waiting === 0) for (const d of this.idleWaiters.splice(0)) d.resolve();
  }
}
