/**
 * SubscriptionStats and ConsumerStats (Pulsar's SubscriptionStatsImpl, ConsumerStatsImpl) of one
 * subscription, read from the broker's counters when asked. Key_Shared subscriptions add PIP-379's
 * draining fields and Magnetar's hot-key insight; every subscription reports how long its oldest
 * unacknowledged message has been out.
 */
import { SubType } from '@magnetar/protocol';
import type { KeySharedStats } from '../dispatcher/key-shared/key-shared-stats.js';
import { stuckMessages } from '../inflight/stuck.js';
import { SingleActiveDispatcher } from '../dispatcher/single-active-dispatcher.js';
import type { Consumer } from '../subscription/consumer.js';
import { subTypeName, type Subscription } from '../subscription/subscription.js';
import { bytesAfter } from './backlog-size.js';
import { expiryOf } from './expiry.js';
import { rateOf } from './meters.js';
import type { ConsumerStatsJson, SubscriptionStatsJson } from './stats-json.js';

type KeySharedConsumer = KeySharedStats['consumers'][number];

export function subscriptionStats(s: Subscription): SubscriptionStatsJson {
  const now = () => s.topic.broker.clock.now();
  const ks = s.keySharedStats();
  const consumers = s.consumers.map((c) =>
    consumerStats(
      c,
      ks?.consumers.find((k) => k.consumerId === c.consumerId),
    ),
  );
  const out = outTotals(s);
  const backlog = s.backlog();
  const delayed = s.delayedMessages();
  const expiry = expiryOf(s);
  const ranges = s.cursor.ackedRanges().length;
  const oldest = oldestUnackedAgeMs(s);
  const stats: SubscriptionStatsJson = {
    msgRateOut: rateOf(s, 'msgOut', out.msgOut, now),
    msgThroughputOut: rateOf(s, 'bytesOut', out.bytesOut, now),
    bytesOutCounter: out.bytesOut,
    msgOutCounter: out.msgOut,
    msgRateRedeliver: rateOf(s, 'redeliver', out.redelivered, now),
    // Acks are not counted per subscription yet.
    messageAckRate: 0,
    chunkedMessageRate: 0,
    msgBacklog: backlog,
    backlogSize: bytesAfter(s.topic.ledger.ledgerInfos(), s.cursor.markDeletePosition),
    earliestMsgPublishTimeInBacklog: 0,
    msgBacklogNoDelayed: Math.max(0, backlog - delayed),
    blockedSubscriptionOnUnackedMsgs: s.dispatcher?.blockedOnUnackedMessages ?? false,
    msgDelayed: delayed,
    msgInReplay: s.dispatcher?.replaySize ?? 0,
    // Magnetar extension (docs/design/0006): undelivered entries per priority level.
    priorityBacklog: s.topic.priority.backlogOf(s),
    unackedMessages: s.dispatcher?.unackedMessages ?? 0,
    type: subTypeName(s.type),
    activeConsumerName: activeConsumerName(s),
    msgRateExpired: rateOf(s, 'expired', expiry.totalMsgExpired, now),
    totalMsgExpired: expiry.totalMsgExpired,
    lastExpireTimestamp: expiry.lastExpireTimestamp,
    lastConsumedFlowTimestamp: out.lastFlow,
    lastConsumedTimestamp: out.lastConsumed,
    lastAckedTimestamp: s.lastAckedTimestamp,
    // Not tracked: the cursor does not record when its mark-delete position moved.
    lastMarkDeleteAdvancedTimestamp: 0,
    consumers,
    isDurable: s.durable,
    isReplicated: false,
    allowOutOfOrderDelivery: ks?.allowOutOfOrderDelivery ?? false,
    keySharedMode: ks?.keySharedMode,
    // PIP-379 replaced the recently-joined-consumers map with draining hashes; 4.x leaves it empty.
    consumersAfterMarkDeletePosition: {},
    drainingHashesCount: ks?.drainingHashesCount ?? 0,
    drainingHashesClearedTotal: ks?.drainingHashesClearedTotal ?? 0,
    drainingHashesUnackedMessages: ks?.drainingHashesPendingMessages ?? 0,
    nonContiguousDeletedMessagesRanges: ranges,
    nonContiguousDeletedMessagesRangesSerializedSize: 0,
    delayedMessageIndexSizeInBytes: s.delayedIndexBytes(),
    subscriptionProperties: { ...s.cursor.properties },
    filterProcessedMsgCount: 0,
    filterAcceptedMsgCount: 0,
    filterRejectedMsgCount: 0,
    filterRescheduledMsgCount: 0,
    durable: s.durable,
    replicated: false,
    oldestUnackedMessageAgeMs: oldest,
    stuckMessages: stuckMessages(s),
  };
  if (ks) {
    stats.hotKeys = {
      hottestByPending: ks.hottestByPending,
      oldestPending: ks.oldestPending,
      hottestByDelivered: ks.hottestByDelivered,
    };
  }
  return withoutUndefined(stats);
}

export function consumerStats(c: Consumer, ks?: KeySharedConsumer): ConsumerStatsJson {
  const now = () => c.connection.broker.clock.now();
  const draining = ks?.drainingHashes ?? [];
  const stats: ConsumerStatsJson = {
    msgRateOut: rateOf(c, 'msgOut', c.msgOutCounter, now),
    msgThroughputOut: rateOf(c, 'bytesOut', c.bytesOutCounter, now),
    bytesOutCounter: c.bytesOutCounter,
    msgOutCounter: c.msgOutCounter,
    msgRateRedeliver: rateOf(c, 'redeliver', c.msgRedeliverCounter, now),
    messageAckRate: 0,
    chunkedMessageRate: 0,
    consumerName: c.name,
    availablePermits: c.permits,
    unackedMessages: c.unackedMessages,
    // Entries are not counted per consumer; the unacknowledged ones give the current mix.
    avgMessagesPerEntry: c.pending.size > 0 ? Math.round(c.unackedMessages / c.pending.size) : 1,
    blockedConsumerOnUnackedMsgs: c.blockedOnUnacked,
    drainingHashesCount: draining.length,
    drainingHashesClearedTotal: 0,
    drainingHashesUnackedMessages: draining.reduce((n, d) => n + d.pendingMessages, 0),
    address: `/${c.connection.remoteAddress}`,
    connectedSince: new Date(c.connectedSince).toISOString(),
    clientVersion: c.connection.clientVersion,
    lastAckedTimestamp: c.lastAckedTimestamp,
    lastConsumedTimestamp: c.lastConsumedTimestamp,
    lastConsumedFlowTimestamp: c.lastConsumedFlowTimestamp,
    metadata: { ...c.metadata },
    lastAckedTime: new Date(c.lastAckedTimestamp).toISOString(),
    lastConsumedTime: new Date(c.lastConsumedTimestamp).toISOString(),
    oldestUnackedMessageAgeMs: oldestOf(c, now()),
  };
  if (ks && c.subscription.type === SubType.Key_Shared) {
    stats.drainingHashes = draining.map((d) => ({
      hash: d.hash,
      unackedMessages: d.pendingMessages,
      blockedAttempts: 0,
    }));
    stats.keyHashRangeArrays = ks.hashRanges.map(([start, end]) => [start, end]);
  }
  return withoutUndefined(stats);
}

/** Counters summed over the subscription's consumers, those that left included where kept. */
function outTotals(s: Subscription) {
  const t = {
    msgOut: s.msgOutCounterOfClosed,
    bytesOut: s.bytesOutCounterOfClosed,
    redelivered: 0,
    lastFlow: 0,
    lastConsumed: 0,
  };
  for (const c of s.consumers) {
    t.msgOut += c.msgOutCounter;
    t.bytesOut += c.bytesOutCounter;
    t.redelivered += c.msgRedeliverCounter;
    t.lastFlow = Math.max(t.lastFlow, c.lastConsumedFlowTimestamp);
    t.lastConsumed = Math.max(t.lastConsumed, c.lastConsumedTimestamp);
  }
  return t;
}

/** Age (ms) of the oldest message delivered to any consumer of `s` and not yet acknowledged. */
export function oldestUnackedAgeMs(s: Subscription): number | undefined {
  const now = s.topic.broker.clock.now();
  let oldest: number | undefined;
  for (const c of s.consumers) {
    const age = oldestOf(c, now);
    if (age !== undefined && (oldest === undefined || age > oldest)) oldest = age;
  }
  return oldest;
}

/**
 * A consumer's pending entries are kept in delivery order (a redelivery is a new insertion), so
 * the first one is the oldest.
 */
function oldestOf(c: Consumer, now: number): number | undefined {
  for (const p of c.pending.values()) return Math.max(0, now - p.deliveredAt);
  return undefined;
}

function activeConsumerName(s: Subscription): string | undefined {
  const d = s.dispatcher;
  return d instanceof SingleActiveDispatcher ? d.activeConsumer?.name : undefined;
}

/** Pulsar's JSON leaves null fields out; so do these shapes. */
function withoutUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
