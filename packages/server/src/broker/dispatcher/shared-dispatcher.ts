import type { Consumer } from '../subscription/consumer.js';
import { Dispatcher, type DispatchItem } from './dispatcher.js';

/**
 * Shared subscriptions: entries go round-robin to the consumers that have permits, serving the
 * best priority level first (CommandSubscribe.priority_level: 0 is the highest, as in Pulsar).
 * A consumer at maxUnackedMessagesPerConsumer gets nothing until acks bring it back under. Entries
 * taken back (nack, ack timeout, a consumer leaving) are replayed before new ones, so order is
 * not guaranteed across redeliveries — as Pulsar documents for Shared.
 */
export class SharedDispatcher extends Dispatcher {
  private list: Consumer[] = [];
  private next = 0;

  get consumers(): readonly Consumer[] {
    return this.list;
  }

  addConsumer(c: Consumer): void {
    this.list.push(c);
    this.list.sort((a, b) => a.priorityLevel - b.priorityLevel);
    this.wake();
  }

  removeConsumer(c: Consumer): void {
    this.list = this.list.filter((x) => x !== c);
    // A consumer that leaves hands its unacked entries back without counting a redelivery: the
    // count grows only on nack or ack timeout, so a crashing consumer does not push messages to a DLQ.
    this.putBack(c.takeAllPending().map((e) => e.position));
    this.wake();
  }

  protected availablePermits(): number {
    let n = 0;
    for (const c of this.list) if (this.canTake(c)) n += c.permits;
    return n;
  }

  protected dispatch(items: DispatchItem[]): DispatchItem[] {
    let i = 0;
    for (; i < items.length; i++) {
      const c = this.pick();
      if (!c) break;
      const it = items[i];
      c.deliver(it.entry, it.messages, it.redeliveryCount, this.trackPending);
    }
    return items.slice(i);
  }

  private canTake(c: Consumer): boolean {
    return c.permits > 0 && c.writable && !c.blockedOnUnacked;
  }

  /** Round-robin over the consumers of the best priority level that can take a message. */
  private pick(): Consumer | undefined {
    const n = this.list.length;
    let best: number | undefined;
    for (const c of this.list) {
      if (this.canTake(c)) {
        best = c.priorityLevel;
        break;
      }
    }
    if (best === undefined) return undefined;
    for (let k = 0; k < n; k++) {
      const c = this.list[(this.next + k) % n];
      if (c.priorityLevel === best && this.canTake(c)) {
        this.next = (this.next + k + 1) % n;
        return c;
      }
    }
    return undefined;
  }
}
