import type { DelayedDeliveryTracker } from '../delayed/delayed-tracker.js';
import type { Consumer } from '../subscription/consumer.js';
import { Dispatcher, type DispatchItem } from './dispatcher.js';

/**
 * Shared subscriptions: entries go round-robin to the consumers that have permits, serving the
 * best priority level first (CommandSubscribe.priority_level: 0 is the highest, as in Pulsar);
 * lower levels get messages only while every consumer of the better levels is out of permits.
 * A consumer at maxUnackedMessagesPerConsumer gets nothing until acks bring it down to half, and
 * the whole subscription stops at maxUnackedMessagesPerSubscription likewise. Entries taken back
 * (nack, ack timeout, a consumer leaving) are replayed before new ones, so order is not guaranteed
 * across redeliveries — as Pulsar documents for Shared. Delayed messages are held back until due.
 */
export class SharedDispatcher extends Dispatcher {
  private list: Consumer[] = [];
  private next = 0;

  get consumers(): readonly Consumer[] {
    return this.list;
  }

  protected override get delayed(): DelayedDeliveryTracker | undefined {
    return this.sub.delayedTracker;
  }

  addConsumer(c: Consumer): void {
    this.list.push(c);
    // Stable sort: consumers of one level keep their arrival order for the round-robin.
    this.list.sort((a, b) => a.priorityLevel - b.priorityLevel);
    this.wake();
  }

  removeConsumer(c: Consumer): void {
    this.list = this.list.filter((x) => x !== c);
    // A consumer that leaves hands its unacked entries back without counting a redelivery: the
    // count grows only on nack or ack timeout, so a crashing consumer does not push messages to a DLQ.
    for (const p of this.releaseAll(c)) this.replay.add(p.key, p.position, p.slot);
    this.wake();
  }

  protected availablePermits(): number {
    const room = this.unackedRoom();
    if (room <= 0) return 0;
    let n = 0;
    for (const c of this.list) if (c.canTake) n += c.permits;
    return Math.min(n, room);
  }

  protected dispatch(items: DispatchItem[]): DispatchItem[] {
    let i = 0;
    for (; i < items.length; i++) {
      const c = this.pick();
      if (!c) break;
      this.deliverTo(c, items[i]);
    }
    return items.slice(i);
  }

  /** Round-robin over the consumers of the best priority level that can take a message. */
  private pick(): Consumer | undefined {
    const n = this.list.length;
    let best: number | undefined;
    for (const c of this.list) {
      if (this.mayTake(c)) {
        best = c.priorityLevel;
        break;
      }
    }
    if (best === undefined) return undefined;
    for (let k = 0; k < n; k++) {
      const c = this.list[(this.next + k) % n];
      if (c.priorityLevel === best && this.mayTake(c)) {
        this.next = (this.next + k + 1) % n;
        return c;
      }
    }
    return undefined;
  }
}
