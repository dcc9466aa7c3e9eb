/**
 * The admin operations behind the in-flight routes: find the topic and subscription a REST path
 * names (404s as Pulsar words them), then list. Partitioned topics are refused like peek is: the
 * pending state lives per partition, and merging pages across partitions has no stable order.
 */
import type { TopicName } from '@magnetar/protocol';
import { refusePartitioned, requireSubscription, requireTopic } from '../admin-ops/topic-ref.js';
import type { BrokerService } from '../broker-service.js';
import type { Subscription } from '../subscription/subscription.js';
import { listInflight, type InflightPageJson } from './inflight-listing.js';
import type { InflightQuery } from './inflight-query.js';
import { keySharedOwners, type KeySharedOwnersJson } from './key-shared-owners.js';

async function subscriptionOf(broker: BrokerService, name: TopicName, sub: string): Promise<Subscription> {
  await refusePartitioned(
    broker,
    name,
    'In-flight listing on a partitioned topic is not allowed; ask each partition',
  );
  return requireSubscription(await requireTopic(broker, name), sub);
}

export async function inflightPage(
  broker: BrokerService,
  name: TopicName,
  sub: string,
  q: InflightQuery,
): Promise<InflightPageJson> {
  return listInflight(await subscriptionOf(broker, name, sub), q);
}

export async function inflightKeyShared(
  broker: BrokerService,
  name: TopicName,
  sub: string,
): Promise<KeySharedOwnersJson> {
  return keySharedOwners(await subscriptionOf(broker, name, sub));
}
