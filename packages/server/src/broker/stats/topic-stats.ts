/**
 * TopicStats of a persistent topic (GET .../{topic}/stats, Pulsar's TopicStatsImpl with its
 * PublisherStatsImpl list and SubscriptionStatsImpl map), read from the broker's counters.
 */
import { comparePositions } from '../../storage/position.js';
import type { Position } from '../../storage/types.js';
import type { Producer } from '../topic/producer.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import { bytesAfter } from './backlog-size.js';
import { rateOf } from './meters.js';
import type { PublisherStatsJson, SubscriptionStatsJson, TopicStatsJson } from './stats-json.js';
import { subscriptionStats } from './subscription-stats.js';

/** `ownerBroker` is the broker's host:port on the HTTP side, as Pulsar reports it. */
export async function topicStats(topic: PersistentTopic, ownerBroker: string): Promise<TopicStatsJson> {
  const { subscriptions, out } = subscriptionsOf(topic);
  const rateIn = topic.rateIn.rate(topic.msgInCounter);
  const throughputIn = topic.throughputIn.rate(topic.bytesInCounter);
  const policies = await topic.broker.policies?.effectivePolicies(topic.name);
  const quota = policies?.backlogQuotas.destination_storage;
  return {
    msgRateIn: rateIn,
    msgThroughputIn: throughputIn,
    msgRateOut: out.rate,
    msgThroughputOut: out.throughput,
    bytesInCounter: topic.bytesInCounter,
    msgInCounter: topic.msgInCounter,
    systemTopicBytesInCounter: 0,
    bytesOutCounter: out.bytes,
    msgOutCounter: out.messages,
    bytesOutInternalCounter: 0,
    averageMsgSize: rateIn > 0 ? throughputIn / rateIn : 0,
    msgChunkPublished: false,
    storageSize: topic.ledger.storedBytes,
    backlogSize: topicBacklogBytes(topic),
    backlogQuotaLimitSize: quota?.limitSize ?? -1,
    backlogQuotaLimitTime: quota?.limitTime ?? -1,
    // Pulsar fills this in its periodic backlog-quota check, which Magnetar does not run yet.
    oldestBacklogMessageAgeSeconds: -1,
    publishRateLimitedTimes: 0,
    earliestMsgPublishTimeInBacklogs: 0,
    offloadedStorageSize: 0,
    lastOffloadLedgerId: 0,
    lastOffloadSuccessTimeStamp: 0,
    lastOffloadFailureTimeStamp: 0,
    ongoingTxnCount: 0,
    abortedTxnCount: 0,
    committedTxnCount: 0,
    publishers: [...topic.producers].map(publisherStats),
    waitingPublishers: 0,
    subscriptions,
    replication: {},
    // Pulsar's MessageDeduplication.Status names: Enabled, Disabled, Recovering, Removing, Failed.
    deduplicationStatus: topic.dedup.status.charAt(0).toUpperCase() + topic.dedup.status.slice(1),
    nonContiguousDeletedMessagesRanges: out.ranges,
    nonContiguousDeletedMessagesRangesSerializedSize: 0,
    delayedMessageIndexSizeInBytes: out.delayedIndexBytes,
    compaction: {
      lastCompactionRemovedEventCount: 0,
      lastCompactionSucceedTimestamp: 0,
      lastCompactionFailedTimestamp: 0,
      lastCompactionDurationTimeInMills: 0,
    },
    ownerBroker,
    topicCreationTimeStamp: topic.createdAt,
    lastPublishTimeStamp: topic.lastPublishTimestamp,
  };
}

/** Each subscription's stats, and the topic's totals over them. */
function subscriptionsOf(topic: PersistentTopic) {
  const subscriptions: Record<string, SubscriptionStatsJson> = {};
  const out = { messages: 0, bytes: 0, rate: 0, throughput: 0, ranges: 0, delayedIndexBytes: 0 };
  for (const s of topic.subscriptions.values()) {
    const st = subscriptionStats(s);
    subscriptions[s.name] = st;
    out.messages += st.msgOutCounter;
    out.bytes += st.bytesOutCounter;
    out.rate += st.msgRateOut;
    out.throughput += st.msgThroughputOut;
    out.ranges += st.nonContiguousDeletedMessagesRanges;
    out.delayedIndexBytes += st.delayedMessageIndexSizeInBytes;
  }
  return { subscriptions, out };
}

export function publisherStats(p: Producer): PublisherStatsJson {
  const now = () => p.connection.broker.clock.now();
  const rateIn = rateOf(p, 'msgIn', p.msgInCounter, now);
  const throughputIn = rateOf(p, 'bytesIn', p.bytesInCounter, now);
  return {
    accessMode: p.accessMode,
    msgRateIn: rateIn,
    msgThroughputIn: throughputIn,
    averageMsgSize: rateIn > 0 ? throughputIn / rateIn : 0,
    chunkedMessageRate: 0,
    producerId: p.producerId,
    supportsPartialProducer: false,
    metadata: {},
    producerName: p.name,
    address: `/${p.connection.remoteAddress}`,
    connectedSince: new Date(p.connectedSince).toISOString(),
    clientVersion: p.connection.clientVersion,
  };
}

/** Bytes after the slowest durable subscription's mark-delete position (Pulsar's backlogSize). */
export function topicBacklogBytes(topic: PersistentTopic): number {
  let slowest: Position | undefined;
  for (const s of topic.subscriptions.values()) {
    const md = s.cursor.markDeletePosition;
    if (s.durable && (!slowest || comparePositions(md, slowest) < 0)) slowest = md;
  }
  return slowest ? bytesAfter(topic.ledger.ledgerInfos(), slowest) : 0;
}
