/**
 * GET …/subscription/{sub}/inflight/key-shared (a Magnetar extension): who owns which keys of a
 * Key_Shared subscription right now. Everything comes from Subscription.keySharedStats(), the same
 * snapshot the stats use, reshaped around consumers: their hash ranges from the selector, the
 * draining slots they still hold, and the subscription's hot and stuck slots.
 */
import type { KeySharedStats } from '../dispatcher/key-shared/key-shared-stats.js';
import type { Subscription } from '../subscription/subscription.js';
import { conflict } from '../../resources/errors.js';

export interface KeySharedOwnersJson {
  keySharedMode: KeySharedStats['keySharedMode'];
  allowOutOfOrderDelivery: boolean;
  consumers: {
    consumerName: string;
    consumerId: number;
    address: string | null;
    /** Inclusive [start, end] ranges of the hash space (slots) assigned by the selector. */
    hashRanges: (readonly [number, number])[];
    /** Slots reassigned away from this consumer whose earlier messages it has not acked yet. */
    drainingHashes: { slot: number; pendingMessages: number }[];
    unackedMessages: number;
  }[];
  drainingHashesCount: number;
  drainingHashesPendingMessages: number;
  messagesInReplay: number;
  hotSlots: {
    byPending: KeySharedStats['hottestByPending'];
    oldestPending: KeySharedStats['oldestPending'];
    byDelivered: KeySharedStats['hottestByDelivered'];
  };
}

/** 409 on a subscription of another type: it has no key ownership to show. */
export function keySharedOwners(s: Subscription): KeySharedOwnersJson {
  const ks = s.keySharedStats();
  if (!ks) throw conflict(`Subscription ${s.name} is not a Key_Shared subscription`);
  const byId = new Map(s.consumers.map((c) => [c.consumerId, c]));
  return {
    keySharedMode: ks.keySharedMode,
    allowOutOfOrderDelivery: ks.allowOutOfOrderDelivery,
    consumers: ks.consumers.map((k) => {
      const c = byId.get(k.consumerId);
      return {
        consumerName: k.consumerName,
        consumerId: k.consumerId,
        address: c?.connection.remoteAddress ?? null,
        hashRanges: [...k.hashRanges],
        drainingHashes: k.drainingHashes.map((d) => ({ slot: d.hash, pendingMessages: d.pendingMessages })),
        unackedMessages: c?.unackedMessages ?? 0,
      };
    }),
    drainingHashesCount: ks.drainingHashesCount,
    drainingHashesPendingMessages: ks.drainingHashesPendingMessages,
    messagesInReplay: ks.messagesInReplay,
    hotSlots: {
      byPending: ks.hottestByPending,
      oldestPending: ks.oldestPending,
      byDelivered: ks.hottestByDelivered,
    },
  };
}
