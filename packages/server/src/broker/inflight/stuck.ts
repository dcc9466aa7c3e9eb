/**
 * Stuck messages: delivered longer ago than `inflightStuckThresholdSeconds` and still not
 * acknowledged, usually a consumer that hangs on one message or lost it without a nack. Counted
 * for the subscription stats (stuckMessages) and /metrics (magnetar_subscription_stuck_messages).
 */
import type { Subscription } from '../subscription/subscription.js';

export function stuckThresholdMs(s: Subscription): number {
  return s.topic.broker.config.inflightStuckThresholdSeconds * 1000;
}

/**
 * Messages (not entries: a pending batch counts its unacked messages) pending longer than the
 * threshold. A full pass over the pending entries: insertion order is delivery order in practice,
 * but a scrape must not depend on it, and the pass is cheap next to dispatching those entries.
 */
export function stuckMessages(s: Subscription): number {
  const deliveredBefore = s.topic.broker.clock.now() - stuckThresholdMs(s);
  let n = 0;
  for (const c of s.consumers) {
    for (const p of c.pending.values()) if (p.deliveredAt < deliveredBefore) n += p.messages;
  }
  return n;
}
