import { CommandType } from '@magnetar/protocol';
import type { Position } from '../../storage/types.js';
import { consumerBusy } from '../errors.js';
import type { Consumer } from '../subscription/consumer.js';
import type { Subscription } from '../subscription/subscription.js';
import { Dispatcher, type DispatchItem } from './dispatcher.js';

/** Protocol version from which clients understand ACTIVE_CONSUMER_CHANGE (v12). */
const ACTIVE_CONSUMER_CHANGE_MIN_VERSION = 12;

/**
 * Exclusive and Failover subscriptions: one active consumer receives everything, in log order.
 * Exclusive refuses a second consumer (ConsumerBusy). Failover keeps the others as standbys: the
 * active one is the first by priority level, then by consumer name (Pulsar's rule for
 * non-partitioned topics); when it changes, unacked messages are rewound to the new active one and
 * every consumer is told through ACTIVE_CONSUMER_CHANGE. Redelivery rewinds rather than replays,
 * which keeps order.
 */
export class SingleActiveDispatcher extends Dispatcher {
  private list: Consumer[] = [];
  private active: Consumer | undefined;

  constructor(
    sub: Subscription,
    private readonly failover: boolean,
  ) {
    super(sub);
  }

  get consumers(): readonly Consumer[] {
    return this.list;
  }

  /** The consumer receiving messages now (stats activeConsumerName). */
  get activeConsumer(): Consumer | undefined {
    return this.active;
  }

  addConsumer(c: Consumer): void {
    if (!this.failover && this.list.length > 0) {
      throw consumerBusy(`Exclusive consumer is already connected to subscription ${this.sub.name}`);
    }
    this.list.push(c);
    this.pickActive();
    if (this.failover) queueMicrotask(() => this.announce());
  }

  removeConsumer(c: Consumer): void {
    this.list = this.list.filter((x) => x !== c);
    const hadPending = this.releaseAll(c).length > 0;
    if (this.active === c) {
      this.active = undefined;
      this.pickActive();
      if (this.failover) queueMicrotask(() => this.announce());
    }
    // What the departed consumer held goes to whoever is active now, from the first unacked entry.
    if (hadPending) this.rewindToCursor();
  }

  override redeliver(c: Consumer, _positions: readonly Position[]): void {
    // Exclusive and Failover rewind to the first unacked entry instead of replaying single ids,
    // as Pulsar does, so the consumer sees the log in order again. Delayed messages are not held
    // on these types (Pulsar documents that they are dispatched immediately).
    for (const e of this.releaseAll(c)) {
      this.redeliveries.set(e.key, (this.redeliveries.get(e.key) ?? 0) + 1);
      c.msgRedeliverCounter += e.messages;
    }
    this.rewindToCursor();
  }

  protected availablePermits(): number {
    const a = this.active;
    return a && a.writable ? Math.max(0, a.permits) : 0;
  }

  protected dispatch(items: DispatchItem[]): DispatchItem[] {
    const a = this.active;
    if (!a) return items;
    let i = 0;
    for (; i < items.length && this.mayTake(a); i++) this.deliverTo(a, items[i]);
    const left = items.slice(i);
    // Order matters here: unsent entries go back by moving the read position, not into replay.
    if (left.length > 0) this.rewindTo(left[0].entry.position);
    return [];
  }

  private pickActive(): void {
    const sorted = [...this.list].sort(
      (x, y) => x.priorityLevel - y.priorityLevel || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0),
    );
    const next = sorted[0];
    if (next === this.active) return;
    const previous = this.active;
    this.active = next;
    if (previous) this.releaseAll(previous);
    if (previous || this.list.length > 1) this.rewindToCursor();
    this.wake();
  }

  /** Tells every consumer whether it is the active one (CommandActiveConsumerChange). */
  private announce(): void {
    for (const c of this.list) {
      if (c.closed || c.connection.protocolVersion < ACTIVE_CONSUMER_CHANGE_MIN_VERSION) continue;
      c.connection.send({
        type: CommandType.ACTIVE_CONSUMER_CHANGE,
        active_consumer_change: { consumer_id: c.consumerId, is_active: c === this.active },
      });
    }
  }
}
