/**
 * Message expiry (namespace or topic message_ttl_in_seconds; admin expire-messages): a
 * subscription's cursor is moved past every entry published more than the TTL ago, as Pulsar's
 * PersistentMessageExpiryMonitor does. Entries are judged by MessageMetadata.publish_time, which the
 * producer sets, and found by binary search since publish times grow along the log.
 */
import { parseEntry } from '@magnetar/protocol';
import { comparePositions } from '../../storage/position.js';
import type { Entry } from '../../storage/types.js';
import { positionBefore } from '../admin-ops/positions.js';
import { recordExpiry } from '../stats/expiry.js';
import type { Subscription } from '../subscription/subscription.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';

/** Acknowledges the subscription's messages published more than `seconds` ago; resolves with how many. */
export async function expireOlderThan(
  topic: PersistentTopic,
  s: Subscription,
  seconds: number,
): Promise<number> {
  const ml = topic.ledger;
  const threshold = topic.broker.clock.now() - seconds * 1000;
  const young = await ml.findFirst((e) => publishTimeOf(e) > threshold);
  const upTo = young ? positionBefore(ml.ledgerInfos(), young) : ml.lastConfirmed();
  if (!upTo || comparePositions(upTo, s.cursor.markDeletePosition) <= 0) return 0;
  const before = s.backlog();
  s.skipTo(upTo);
  const expired = before - s.backlog();
  recordExpiry(s, expired, topic.broker.clock.now());
  return expired;
}

/** Applies the topic's message TTL to every subscription; 0 (or no policy) expires nothing. */
export async function applyMessageTtl(topic: PersistentTopic, ttlSeconds: number): Promise<number> {
  if (ttlSeconds <= 0 || topic.state !== 'open') return 0;
  let expired = 0;
  for (const s of [...topic.subscriptions.values()]) {
    // Nothing to expire when the subscription has read everything (the common case): skip the search.
    if (s.backlog() === 0) continue;
    expired += await expireOlderThan(topic, s, ttlSeconds);
  }
  return expired;
}

/** MessageMetadata.publish_time of a stored entry; 0 for an entry that does not parse. */
export function publishTimeOf(e: Entry): number {
  try {
    return parseEntry(e.data).metadata.publish_time ?? 0;
  } catch {
    return 0;
  }
}
