/**
 * Messages expired per subscription (admin expire-messages; message TTL later), for the stats
 * fields totalMsgExpired, lastExpireTimestamp and msgRateExpired. Kept beside the subscription
 * rather than in it: only the expiry operations write it and only the stats read it.
 */
import type { Subscription } from '../subscription/subscription.js';

export interface ExpiryStats {
  /** Messages expired since the subscription was loaded. */
  totalMsgExpired: number;
  /** When messages were last expired (epoch ms), 0 if never. */
  lastExpireTimestamp: number;
}

const bySubscription = new WeakMap<Subscription, ExpiryStats>();

export function recordExpiry(sub: Subscription, messages: number, now: number): void {
  const s = bySubscription.get(sub) ?? { totalMsgExpired: 0, lastExpireTimestamp: 0 };
  s.totalMsgExpired += messages;
  s.lastExpireTimestamp = now;
  bySubscription.set(sub, s);
}

export function expiryOf(sub: Subscription): Readonly<ExpiryStats> {
  return bySubscription.get(sub) ?? { totalMsgExpired: 0, lastExpireTimestamp: 0 };
}
