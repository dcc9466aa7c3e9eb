// CommandSubscribe → CommandSuccess (or CommandError: TopicNotFound, ConsumerBusy, ConsumerAssignError, InvalidTopicName, ...).
import { InitialPosition, SubType, TopicName, type CommandSubscribe } from '@magnetar/protocol';
import type { ServerConnection } from '../connection/server-connection.js';
import { DEDUP_CURSOR } from '../dedup/dedup-snapshot.js';
import { notAllowed, serviceNotReady } from '../errors.js';
import { checkConsumerLimits } from '../policies/limits.js';
import { authorizeTopic } from './authorize.js';
import type { Handler } from './types.js';

export const handleSubscribe: Handler = async (conn, cmd) => {
  const r = cmd.subscribe!;
  const existing = conn.consumers.get(r.consumer_id);
  if (existing) {
    // A repeated SUBSCRIBE for a live consumer (client retry after a timeout) succeeds again.
    if (existing.subscription.name !== r.subscription) {
      throw serviceNotReady(`consumer id ${r.consumer_id} is already used on this connection`);
    }
    conn.sendSuccess(r.request_id);
    return;
  }
  const name = TopicName.parse(r.topic);
  const release = conn.reserveConsumer();
  try {
    await createConsumer(conn, r, name);
  } finally {
    release();
  }
};

/** Subscribes the consumer of a SUBSCRIBE command once the connection had room for it. */
async function createConsumer(conn: ServerConnection, r: CommandSubscribe, name: TopicName): Promise<void> {
  if (!r.subscription) throw notAllowed('subscription name must not be empty');
  // The deduplication snapshot's cursor shares the subscriptions' namespace of cursor names.
  if (r.subscription === DEDUP_CURSOR) throw notAllowed(`subscription name ${DEDUP_CURSOR} is reserved`);
  if (!name.isPersistent && r.read_compacted)
    throw notAllowed('readCompacted only valid on persistent topics');
  const subType = r.subType ?? SubType.Exclusive;
  // Pulsar serves the compacted view only to single-active subscriptions (PersistentTopic.subscribe).
  if (r.read_compacted && subType !== SubType.Exclusive && subType !== SubType.Failover) {
    throw notAllowed('readCompacted only allowed on failover or exclusive subscriptions');
  }
  // Before anything that could load or create the topic or the subscription.
  await authorizeTopic(conn, name, 'consume', r.subscription);
  if (conn.isClosed()) return;
  const create = r.force_topic_creation ?? true;
  const topic = await conn.broker.getAnyTopic(name, create);
  if (r.schema) await conn.broker.schemas.checkForConsumer(topic.name, r.schema);
  const policies = await conn.broker.policies?.effectivePolicies(topic.name);
  if (conn.isClosed()) return;
  const metadata: Record<string, string> = {};
  for (const kv of r.metadata ?? []) metadata[kv.key] = kv.value;
  const consumer = await topic.subscribe(conn, {
    subscription: r.subscription,
    consumerId: r.consumer_id,
    consumerName: r.consumer_name ?? '',
    priorityLevel: r.priority_level ?? 0,
    subType,
    metadata,
    durable: r.durable ?? true,
    initialPosition: r.initialPosition ?? InitialPosition.Latest,
    startMessageId: r.start_message_id,
    keySharedMeta: r.keySharedMeta,
    readCompacted: r.read_compacted ?? false,
    // maxConsumersPerTopic / maxConsumersPerSubscription, judged just before the consumer joins.
    admit: (subscriptionConsumers) => checkConsumerLimits(topic, subscriptionConsumers, policies),
  });
  if (conn.isClosed()) {
    consumer.subscription.removeConsumer(consumer);
    return;
  }
  conn.consumers.set(r.consumer_id, consumer);
  conn.sendSuccess(r.request_id);
}
