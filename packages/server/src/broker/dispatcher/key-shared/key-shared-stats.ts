import { KeySharedMode } from '@magnetar/protocol';
import type { Consumer } from '../../subscription/consumer.js';
import type { HotKeys } from './hot-keys.js';
import type { StickyKeySelector } from './selector.js';
import type { SlotPending } from './slot-pending.js';

/** How many slots each "top" list shows. */
const TOP = 10;

/** A slot with unacknowledged messages at one consumer. */
export interface PendingSlotStats {
  readonly slot: number;
  readonly consumerName: string;
  readonly consumerId: number;
  readonly pendingMessages: number;
  /** Time since the oldest of them was delivered: a large value marks a stuck key. */
  readonly pendingForMs: number;
  readonly sampleKey: string;
  /** The slot belongs to another consumer now; its new messages wait until these are acked. */
  readonly draining: boolean;
}

/** Key_Shared insight for one subscription (PIP-379's draining stats plus hot and stuck keys). */
export interface KeySharedStats {
  readonly keySharedMode: 'AUTO_SPLIT' | 'STICKY';
  readonly allowOutOfOrderDelivery: boolean;
  readonly drainingHashesCount: number;
  readonly drainingHashesPendingMessages: number;
  readonly drainingHashesClearedTotal: number;
  /** Entries waiting in the replay queue (held back by ordering, a slow consumer or redelivery). */
  readonly messagesInReplay: number;
  readonly consumers: readonly {
    readonly consumerName: string;
    readonly consumerId: number;
    readonly hashRanges: readonly (readonly [number, number])[];
    readonly drainingHashes: readonly { readonly hash: number; readonly pendingMessages: number }[];
  }[];
  /** Slots with the most unacknowledged messages. */
  readonly hottestByPending: readonly PendingSlotStats[];
  /** Slots pending the longest (stuck keys). */
  readonly oldestPending: readonly PendingSlotStats[];
  /** Slots with the most messages delivered since the subscription's dispatcher started. */
  readonly hottestByDelivered: readonly {
    readonly slot: number;
    readonly deliveredMessages: number;
    readonly sampleKey: string;
  }[];
}

export interface KeySharedStatsInput {
  policy: { mode: number; allowOutOfOrderDelivery: boolean };
  consumers: readonly Consumer[];
  selector: StickyKeySelector;
  pending: SlotPending;
  hot: HotKeys;
  replaySize: number;
  now: number;
}

export function keySharedStatsOf(i: KeySharedStatsInput): KeySharedStats {
  const slots: PendingSlotStats[] = [];
  let drainingCount = 0;
  let drainingMessages = 0;
  const drainingBy = new Map<Consumer, { hash: number; pendingMessages: number }[]>();
  for (const [slot, h] of i.pending.holdings()) {
    const draining = i.selector.select(slot) !== h.consumer;
    if (draining) {
      drainingCount++;
      drainingMessages += h.messages;
      const list = drainingBy.get(h.consumer) ?? [];
      list.push({ hash: slot, pendingMessages: h.messages });
      drainingBy.set(h.consumer, list);
    }
    slots.push({
      slot,
      consumerName: h.consumer.name,
      consumerId: h.consumer.consumerId,
      pendingMessages: h.messages,
      pendingForMs: Math.max(0, i.now - h.since),
      sampleKey: h.sampleKey,
      draining,
    });
  }
  const ranges = i.selector.assignments();
  return {
    keySharedMode: i.policy.mode === KeySharedMode.STICKY ? 'STICKY' : 'AUTO_SPLIT',
    allowOutOfOrderDelivery: i.policy.allowOutOfOrderDelivery,
    drainingHashesCount: drainingCount,
    drainingHashesPendingMessages: drainingMessages,
    drainingHashesClearedTotal: i.pending.clearedTotal,
    messagesInReplay: i.replaySize,
    consumers: i.consumers.map((c) => ({
      consumerName: c.name,
      consumerId: c.consumerId,
      hashRanges: (ranges.get(c) ?? []).map((r) => [r.start, r.end] as const),
      drainingHashes: drainingBy.get(c) ?? [],
    })),
    hottestByPending: [...slots].sort((a, b) => b.pendingMessages - a.pendingMessages).slice(0, TOP),
    oldestPending: [...slots].sort((a, b) => b.pendingForMs - a.pendingForMs).slice(0, TOP),
    hottestByDelivered: i.hot.busiest(),
  };
}
