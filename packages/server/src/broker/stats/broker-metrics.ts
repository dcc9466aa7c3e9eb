import type {
  BrokerMetricsSource,
  ConsumerMetrics,
  SubscriptionMetrics,
  TopicMetrics,
} from '../../admin/metrics-source.js';
import type { BrokerService } from '../broker-service.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import type { Consumer } from '../subscription/consumer.js';
import type { Subscription } from '../subscription/subscription.js';
import { subTypeName } from '../subscription/subscription.js';
import { stuckMessages } from '../inflight/stuck.js';
import { rateOf } from './meters.js';
import { oldestUnackedAgeMs } from './subscription-stats.js';
import { topicBacklogBytes } from './topic-stats.js';

/**
 * Reads the broker's counters for /metrics at scrape time. Rates come from the meters the admin
 * stats use too (./meters.ts), so the publish and dispatch paths only count and both views agree.
 */
export class BrokerMetrics implements BrokerMetricsSource {
  constructor(private readonly broker: BrokerService) {}

  isHealthy(): boolean {
    return this.broker.brokerServiceUrl !== '';
  }

  *topics(): Iterable<TopicMetrics> {
    // An unloaded or deleted topic may linger until the broker forgets it; it has no series.
    for (const t of this.broker.loadedTopics()) if (t.state === 'open') yield this.topic(t);
  }

  connections(): { active: number; createdTotal: number; closedTotal: number } {
    return {
      active: this.broker.connections.size,
      createdTotal: this.broker.connectionsCreated,
      closedTotal: this.broker.connectionsClosed,
    };
  }

  storage(): { writeLatencyMs: number[] } {
    return { writeLatencyMs: [] };
  }

  private topic(t: PersistentTopic): TopicMetrics {
    const subs = [...t.subscriptions.values()].map((s) => this.subscription(s));
    let msgOut = 0;
    let bytesOut = 0;
    let msgBacklog = 0;
    let delayedIndexBytes = 0;
    for (const s of t.subscriptions.values()) delayedIndexBytes += s.delayedIndexBytes();
    for (const s of subs) {
      msgOut += s.msgOutCounter;
      bytesOut += s.bytesOutCounter;
      msgBacklog += s.backlog;
    }
    const namespace = t.name
      .replace(/^[a-z-]+:\/\//, '')
      .split('/')
      .slice(0, 2)
      .join('/');
    const now = this.now;
    return {
      name: t.name,
      namespace,
      producers: t.producerCount,
      consumers: t.consumerCount,
      msgInCounter: t.msgInCounter,
      bytesInCounter: t.bytesInCounter,
      msgOutCounter: msgOut,
      bytesOutCounter: bytesOut,
      rateIn: t.rateIn.rate(t.msgInCounter),
      throughputIn: t.throughputIn.rate(t.bytesInCounter),
      rateOut: rateOf(t, 'msgOut', msgOut, now),
      throughputOut: rateOf(t, 'bytesOut', bytesOut, now),
      storageSize: t.ledger.storedBytes,
      backlogSize: topicBacklogBytes(t),
      msgBacklog,
      delayedIndexBytes,
      subscriptions: subs,
    };
  }

  private subscription(s: Subscription): SubscriptionMetrics {
    let msgOut = s.msgOutCounterOfClosed;
    let bytesOut = s.bytesOutCounterOfClosed;
    let redelivered = 0;
    let blocked = false;
    for (const c of s.consumers) {
      msgOut += c.msgOutCounter;
      bytesOut += c.bytesOutCounter;
      redelivered += c.msgRedeliverCounter;
      blocked ||= c.blockedOnUnacked;
    }
    const now = this.now;
    return {
      name: s.name,
      type: subTypeName(s.type),
      backlog: s.backlog(),
      delayed: s.delayedMessages(),
      unacked: s.dispatcher?.unackedMessages ?? 0,
      consumerCount: s.consumers.length,
      msgOutCounter: msgOut,
      bytesOutCounter: bytesOut,
      msgRateOut: rateOf(s, 'msgOut', msgOut, now),
      throughputOut: rateOf(s, 'bytesOut', bytesOut, now),
      msgRateRedeliver: rateOf(s, 'redeliver', redelivered, now),
      blockedOnUnacked: blocked,
      oldestUnackedAgeSeconds: (oldestUnackedAgeMs(s) ?? 0) / 1000,
      stuckMessages: stuckMessages(s),
      consumers: s.consumers.map((c) => this.consumer(c)),
    };
  }

  // The meter keys are those of the admin consumer stats (./subscription-stats.ts), so both agree.
  private consumer(c: Consumer): ConsumerMetrics {
    const now = this.now;
    return {
      name: c.name,
      id: c.consumerId,
      msgRateOut: rateOf(c, 'msgOut', c.msgOutCounter, now),
      throughputOut: rateOf(c, 'bytesOut', c.bytesOutCounter, now),
      msgRateRedeliver: rateOf(c, 'redeliver', c.msgRedeliverCounter, now),
      unacked: c.unackedMessages,
      blockedOnUnacked: c.blockedOnUnacked,
      availablePermits: c.permits,
    };
  }

  private readonly now = (): number => this.broker.clock.now();
}
