import { CommandType, KeySharedMode, SubType, murmur3_32, stickyKeyOf } from '@magnetar/protocol';
import type { Entry } from '../../../storage/types.js';
import { consumerBusy } from '../../errors.js';
import { metadataOf } from '../../dispatcher/dispatch-item.js';
import { ConsistentHashSelector } from '../../dispatcher/key-shared/consistent-hash-selector.js';
import type { StickyKeySelector } from '../../dispatcher/key-shared/selector.js';
import { StickyRangeSelector } from '../../dispatcher/key-shared/sticky-range-selector.js';
import type { Consumer } from '../../subscription/consumer.js';
import type { NonPersistentSubscription } from './non-persistent-subscription.js';

/** Protocol version from which clients understand ACTIVE_CONSUMER_CHANGE (v12). */
const ACTIVE_CONSUMER_CHANGE_MIN_VERSION = 12;
const NONE_KEY = Buffer.from('NONE_KEY', 'latin1');

/**
 * Chooses, per published entry, the one consumer of a non-persistent subscription that should get
 * it (Pulsar's NonPersistentDispatcher* classes). Whether that consumer can take it now (permits,
 * writable socket) is checked by the caller, which drops the entry otherwise.
 */
export interface ConsumerPicker {
  readonly consumers: readonly Consumer[];
  add(c: Consumer): void;
  remove(c: Consumer): void;
  pick(entry: Entry): Consumer | undefined;
}

export function pickerFor(
  subType: number,
  keySharedMode: number | undefined,
  sub: NonPersistentSubscription,
): ConsumerPicker {
  switch (subType) {
    case SubType.Shared:
      return new RoundRobinPicker();
    case SubType.Key_Shared:
      return new KeySharedPicker(
        keySharedMode === KeySharedMode.STICKY
          ? new StickyRangeSelector()
          : new ConsistentHashSelector(
              sub.topic.broker.config.subscriptionKeySharedConsistentHashingReplicaPoints,
            ),
      );
    case SubType.Failover:
      return new SingleActivePicker(sub, true);
    default:
      return new SingleActivePicker(sub, false);
  }
}

/**
 * Exclusive and Failover: everything goes to the active consumer, the first by priority level and
 * then by name, as on persistent topics. When the active one has no permits the message is dropped;
 * standbys never receive it, so a Failover standby sees messages only once it becomes active.
 */
class SingleActivePicker implements ConsumerPicker {
  private list: Consumer[] = [];
  private active: Consumer | undefined;

  constructor(
    private readonly sub: NonPersistentSubscription,
    private readonly failover: boolean,
  ) {}

  get consumers(): readonly Consumer[] {
    return this.list;
  }

  add(c: Consumer): void {
    if (!this.failover && this.list.length > 0) {
      throw consumerBusy(`Exclusive consumer is already connected to subscription ${this.sub.name}`);
    }
    this.list.push(c);
    this.pickActive();
  }

  remove(c: Consumer): void {
    this.list = this.list.filter((x) => x !== c);
    if (this.active === c) this.pickActive();
  }

  pick(): Consumer | undefined {
    return this.active;
  }

  private pickActive(): void {
    const sorted = [...this.list].sort(
      (x, y) => x.priorityLevel - y.priorityLevel || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0),
    );
    const next = sorted[0];
    if (next === this.active && !this.failover) return;
    this.active = next;
    // Every Failover consumer learns whether it is active; the new one is told after SUCCESS.
    if (this.failover) queueMicrotask(() => this.announce());
  }

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

/**
 * Shared: round robin over the consumers of the best priority level that can take a message now;
 * lower levels only while every better one is out of permits (as for persistent topics).
 */
class RoundRobinPicker implements ConsumerPicker {
  private list: Consumer[] = [];
  private next = 0;

  get consumers(): readonly Consumer[] {
    return this.list;
  }

  add(c: Consumer): void {
    this.list.push(c);
    this.list.sort((a, b) => a.priorityLevel - b.priorityLevel);
  }

  remove(c: Consumer): void {
    this.list = this.list.filter((x) => x !== c);
    if (this.next >= this.list.length) this.next = 0;
  }

  pick(): Consumer | undefined {
    const n = this.list.length;
    const best = this.list.find((c) => c.canTake)?.priorityLevel;
    if (best === undefined) return undefined;
    for (let k = 0; k < n; k++) {
      const c = this.list[(this.next + k) % n];
      if (c.priorityLevel === best && c.canTake) {
        this.next = (this.next + k + 1) % n;
        return c;
      }
    }
    return undefined;
  }
}

/**
 * Key_Shared: the consumer that owns the entry's sticky-key slot, chosen by the same selectors as
 * persistent Key_Shared subscriptions. There is no draining to order: nothing is ever redelivered.
 */
class KeySharedPicker implements ConsumerPicker {
  private list: Consumer[] = [];

  constructor(private readonly selector: StickyKeySelector) {}

  get consumers(): readonly Consumer[] {
    return this.list;
  }

  add(c: Consumer): void {
    // The selector refuses first (overlapping sticky ranges), so a refused consumer changes nothing.
    this.selector.addConsumer(c);
    this.list.push(c);
  }

  remove(c: Consumer): void {
    this.list = this.list.filter((x) => x !== c);
    this.selector.removeConsumer(c);
  }

  pick(entry: Entry): Consumer | undefined {
    const meta = metadataOf(entry);
    const key = meta ? stickyKeyOf(meta) : NONE_KEY;
    return this.selector.select(this.selector.slotOf(murmur3_32(key)));
  }
}
