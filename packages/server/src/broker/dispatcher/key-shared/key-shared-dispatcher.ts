import { KeySharedMode, murmur3_32, stickyKeyOf } from '@magnetar/protocol';
import type { Entry, Position } from '../../../storage/types.js';
import { metadataOf } from '../dispatch-item.js';
import type { DelayedDeliveryTracker } from '../../delayed/delayed-tracker.js';
import type { Consumer, PendingEntry } from '../../subscription/consumer.js';
import type { Subscription } from '../../subscription/subscription.js';
import { Dispatcher, type DispatchItem } from '../dispatcher.js';
import { ConsistentHashSelector } from './consistent-hash-selector.js';
import { HotKeys } from './hot-keys.js';
import { keySharedStatsOf, type KeySharedStats } from './key-shared-stats.js';
import type { StickyKeySelector } from './selector.js';
import { SlotPending } from './slot-pending.js';
import { StickyRangeSelector } from './sticky-range-selector.js';

/** A Key_Shared subscription's policy (KeySharedMeta); every consumer must bring the same one. */
export interface KeySharedPolicy {
  readonly mode: number;
  readonly allowOutOfOrderDelivery: boolean;
}

const NONE_KEY = Buffer.from('NONE_KEY', 'latin1');

/**
 * Key_Shared subscriptions: every entry goes to the consumer that owns its sticky key's slot
 * (consistent hashing in AUTO_SPLIT mode, explicit ranges in STICKY mode). Ordering follows
 * PIP-379: a slot is delivered to, and pending at, one consumer at a time. When consumers come or
 * go, a slot whose pending entries sit at its old consumer is "draining": its further entries
 * wait in the replay queue until those are acknowledged or come back. Entries of a waiting slot
 * never overtake earlier ones of the same slot (the replay queue is read in log order, and a newly
 * read entry waits behind replay entries of its slot), while other slots keep flowing, up to the
 * look-ahead limit (keySharedLookAheadMsgInReplayThreshold*). allowOutOfOrderDelivery drops the
 * ordering holds; a slot still goes to its owner only.
 */
export class KeySharedDispatcher extends Dispatcher {
  private list: Consumer[] = [];
  private readonly selector: StickyKeySelector;
  private readonly pendingSlots = new SlotPending();
  private readonly hot = new HotKeys();

  constructor(
    sub: Subscription,
    readonly policy: KeySharedPolicy,
  ) {
    super(sub);
    this.selector =
      policy.mode === KeySharedMode.STICKY
        ? new StickyRangeSelector()
        : new ConsistentHashSelector(
            sub.topic.broker.config.subscriptionKeySharedConsistentHashingReplicaPoints,
          );
  }

  get consumers(): readonly Consumer[] {
    return this.list;
  }

  protected override get delayed(): DelayedDeliveryTracker | undefined {
    return this.sub.delayedTracker;
  }

  /** Places the consumer on the selector first: a refused one (overlapping ranges) changes nothing. */
  addConsumer(c: Consumer): void {
    this.selector.addConsumer(c);
    this.list.push(c);
    this.wake();
  }

  removeConsumer(c: Consumer): void {
    // Off the selector before its entries go back, so that they are not offered to it again.
    this.selector.removeConsumer(c);
    this.list = this.list.filter((x) => x !== c);
    for (const p of this.releaseAll(c)) this.replay.add(p.key, p.position, p.slot);
    this.wake();
  }

  /** Hot keys, draining slots and assignments, for stats and the admin API. */
  keySharedStats(): KeySharedStats {
    return keySharedStatsOf({
      policy: this.policy,
      consumers: this.list,
      selector: this.selector,
      pending: this.pendingSlots,
      hot: this.hot,
      replaySize: this.replay.size,
      now: this.sub.topic.broker.clock.now(),
    });
  }

  protected override keyOf(entry: Entry): { slot: number; stickyKey?: Buffer } {
    const meta = metadataOf(entry);
    const key = meta ? stickyKeyOf(meta) : NONE_KEY;
    return { slot: this.selector.slotOf(murmur3_32(key)), stickyKey: key };
  }

  protected availablePermits(): number {
    const room = this.unackedRoom();
    if (room <= 0) return 0;
    let n = 0;
    for (const c of this.list) if (c.canTake) n += c.permits;
    return Math.min(n, room);
  }

  /** min(perConsumer × consumers, perSubscription), a non-positive setting meaning "no such limit". */
  protected override lookAheadLimit(): number {
    const config = this.sub.topic.broker.config;
    const perConsumer = config.keySharedLookAheadMsgInReplayThresholdPerConsumer;
    const perSubscription = config.keySharedLookAheadMsgInReplayThresholdPerSubscription;
    const byConsumers = perConsumer > 0 ? perConsumer * this.list.length : Infinity;
    const limit = Math.min(byConsumers, perSubscription > 0 ? perSubscription : Infinity);
    return limit === Infinity ? Infinity : Math.max(1, limit);
  }

  /** Replay entries whose slot can move now, in log order; a slot that cannot is skipped whole. */
  protected override replayCandidates(max: number): Position[] {
    const out: Position[] = [];
    const stuck = new Set<number>();
    for (const item of this.replay.inOrder()) {
      if (out.length >= max) break;
      if (item.slot >= 0) {
        if (stuck.has(item.slot)) continue;
        const c = this.selector.select(item.slot);
        if (!c || !c.canTake || this.draining(item.slot, c)) {
          stuck.add(item.slot);
          continue;
        }
      }
      out.push(item.position);
    }
    return out;
  }

  protected dispatch(items: DispatchItem[]): DispatchItem[] {
    const ordered = !this.policy.allowOutOfOrderDelivery;
    const left: DispatchItem[] = [];
    const held = new Set<number>();
    for (const it of items) {
      const s = it.slot;
      const behind = ordered && (held.has(s) || (!it.fromReplay && this.replay.hasSlot(s)));
      const c = behind ? undefined : this.selector.select(s);
      if (!c || !this.mayTake(c) || this.draining(s, c)) {
        held.add(s);
        left.push(it);
        continue;
      }
      this.deliverTo(c, it);
    }
    return left;
  }

  protected override onDelivered(c: Consumer, item: DispatchItem): void {
    this.pendingSlots.add(item.slot, c, item.messages, this.sub.topic.broker.clock.now(), item.stickyKey);
    this.hot.record(item.slot, item.messages, item.stickyKey);
  }

  protected override onReleased(c: Consumer, p: PendingEntry): void {
    this.pendingSlots.remove(p.slot, c, p.messages, this.selector.select(p.slot));
  }

  protected override onReduced(c: Consumer, p: PendingEntry, messages: number): void {
    this.pendingSlots.reduce(p.slot, c, messages);
  }

  /** PIP-379: the slot's pending entries sit at another consumer, so it may not go to `c` yet. */
  private draining(slot: number, c: Consumer): boolean {
    if (this.policy.allowOutOfOrderDelivery) return false;
    const holder = this.pendingSlots.holder(slot);
    return holder !== undefined && holder !== c;
  }
}
