import type { BrokerMetricsSource, SubscriptionMetrics, TopicMetrics } from '../../admin/metrics-source.js';
import type { BrokerService } from '../broker-service.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import type { Subscription } from '../subscription/subscription.js';
import { subTypeName } from '../subscription/subscription.js';
import { RateMeter } from './rate.js';

/**
 * Reads the broker's counters for /metrics at scrape time. Rates are derived from counters by
 * RateMeters kept here per topic and subscription, so the publish and dispatch paths only count.
 */
export class BrokerMetrics implements BrokerMetricsSource {
  private readonly meters = new WeakMap<object, { a: RateMeter; b: RateMeter; c: RateMeter; d: RateMeter }>();

  constructor(private readonly broker: BrokerService) {}

  isHealthy(): boolean {
    return this.broker.brokerServiceUrl !== '';
  }

  *topics(): Iterable<TopicMetrics> {
    for (const t of this.broker.loadedTopics()) yield this.topic(t);
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
    const m = this.meter(t);
    let msgOut = 0;
    let bytesOut = 0;
    let msgBacklog = 0;
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
    return {
      name: t.name,
      namespace,
      producers: t.producerCount,
      consumers: t.consumerCount,
      msgInCounter: t.msgInCounter,
      bytesInCounter: t.bytesInCounter,
      msgOutCounter: msgOut,
      bytesOutCounter: bytesOut,
      rateIn: m.a.rate(t.msgInCounter),
      throughputIn: m.b.rate(t.bytesInCounter),
      rateOut: m.c.rate(msgOut),
      throughputOut: m.d.rate(bytesOut),
      storageSize: t.ledger.storedBytes,
      backlogSize: 0,
      msgBacklog,
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
    const m = this.meter(s);
    return {
      name: s.name,
      type: subTypeName(s.type),
      backlog: s.backlog(),
      unacked: s.dispatcher?.unackedMessages ?? 0,
      consumers: s.consumers.length,
      msgOutCounter: msgOut,
      bytesOutCounter: bytesOut,
      msgRateOut: m.a.rate(msgOut),
      throughputOut: m.b.rate(bytesOut),
      msgRateRedeliver: m.c.rate(redelivered),
      blockedOnUnacked: blocked,
    };
  }

  private meter(o: object) {
    let m = this.meters.get(o);
    if (!m) {
      const now = () => this.broker.clock.now();
      m = { a: new RateMeter(now), b: new RateMeter(now), c: new RateMeter(now), d: new RateMeter(now) };
      this.meters.set(o, m);
    }
    return m;
  }
}
