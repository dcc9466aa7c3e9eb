/**
 * Prometheus exposition with Pulsar's metric names (reference-metrics.md), so existing Grafana
 * dashboards and collectors work unchanged. Values are not kept here: every scrape reads a fresh
 * snapshot from the broker's BrokerMetricsSource, sets prom-client gauges from it and renders the
 * registry, which also carries prom-client's default process metrics.
 *
 * Levels follow Pulsar's switches. With `exposeTopicLevelMetricsInPrometheus` (default true) the
 * topic and subscription series carry topic (and subscription) labels; without it they are summed
 * per namespace and carry only cluster and namespace, so that brokers with many topics stay
 * scrapeable (Pulsar's NamespaceStatsAggregator). With `exposeConsumerLevelMetricsInPrometheus`
 * (default false) each consumer gets its own series too, but only at topic level: Pulsar prints
 * consumer series from the per-topic stats, so topic level off means no consumer series.
 * Counters that Pulsar names `_total` are gauges here as in Pulsar's own output, since the broker,
 * not this registry, owns their values.
 */
import { AggregatorRegistry, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { bucketLatencies, WRITE_LATENCY_SUFFIXES } from './latency-buckets.js';
import type { BrokerMetricsSource, ConsumerMetrics, TopicMetrics } from './metrics-source.js';

const NAMESPACE_LABELS = ['cluster', 'namespace'] as const;
const TOPIC_LABELS = ['cluster', 'namespace', 'topic'] as const;
const SUBSCRIPTION_LABELS = ['cluster', 'namespace', 'topic', 'subscription'] as const;
const CONSUMER_LABELS = [...SUBSCRIPTION_LABELS, 'consumer_name', 'consumer_id'] as const;

/** Pulsar's exposeTopicLevelMetricsInPrometheus and exposeConsumerLevelMetricsInPrometheus. */
export interface MetricLevels {
  topic: boolean;
  consumer: boolean;
}
const PULSAR_DEFAULT_LEVELS: MetricLevels = { topic: true, consumer: false };

type TopicGaugeName = (typeof TOPIC_GAUGES)[number][0];
/** Topic-level series: metric name, help text, value from the topic's snapshot. */
const TOPIC_GAUGES = [
  [
    'pulsar_subscriptions_count',
    'Number of subscriptions of the topic.',
    (t: TopicMetrics) => t.subscriptions.length,
  ],
  ['pulsar_producers_count', 'Number of active producers of the topic.', (t: TopicMetrics) => t.producers],
  ['pulsar_consumers_count', 'Number of active consumers of the topic.', (t: TopicMetrics) => t.consumers],
  ['pulsar_rate_in', 'Incoming messages per second.', (t: TopicMetrics) => t.rateIn],
  ['pulsar_rate_out', 'Outgoing messages per second.', (t: TopicMetrics) => t.rateOut],
  ['pulsar_throughput_in', 'Incoming bytes per second.', (t: TopicMetrics) => t.throughputIn],
  ['pulsar_throughput_out', 'Outgoing bytes per second.', (t: TopicMetrics) => t.throughputOut],
  [
    'pulsar_in_messages_total',
    'Messages received since the topic was loaded.',
    (t: TopicMetrics) => t.msgInCounter,
  ],
  [
    'pulsar_in_bytes_total',
    'Bytes received since the topic was loaded.',
    (t: TopicMetrics) => t.bytesInCounter,
  ],
  [
    'pulsar_out_messages_total',
    'Messages dispatched since the topic was loaded.',
    (t: TopicMetrics) => t.msgOutCounter,
  ],
  [
    'pulsar_out_bytes_total',
    'Bytes dispatched since the topic was loaded.',
    (t: TopicMetrics) => t.bytesOutCounter,
  ],
  ['pulsar_storage_size', 'Bytes the topic occupies in storage.', (t: TopicMetrics) => t.storageSize],
  ['pulsar_storage_backlog_size', 'Bytes of unacknowledged backlog.', (t: TopicMetrics) => t.backlogSize],
  ['pulsar_msg_backlog', 'Messages in the backlog of the topic.', (t: TopicMetrics) => t.msgBacklog],
  [
    'pulsar_delayed_message_index_size_bytes',
    'Bytes of memory the delayed-delivery indexes of the topic use.',
    (t: TopicMetrics) => t.delayedIndexBytes,
  ],
] as const;

type Sub = TopicMetrics['subscriptions'][number];
const SUBSCRIPTION_GAUGES = [
  ['pulsar_subscription_back_log', 'Messages in the subscription backlog.', (s: Sub) => s.backlog],
  [
    'pulsar_subscription_back_log_no_delayed',
    'Messages in the subscription backlog that are not delayed.',
    (s: Sub) => Math.max(0, s.backlog - s.delayed),
  ],
  ['pulsar_subscription_delayed', 'Messages held back until their delivery time.', (s: Sub) => s.delayed],
  [
    'pulsar_subscription_unacked_messages',
    'Messages delivered and not yet acknowledged.',
    (s: Sub) => s.unacked,
  ],
  [
    'pulsar_subscription_consumers_count',
    'Consumers attached to the subscription.',
    (s: Sub) => s.consumerCount,
  ],
  ['pulsar_subscription_msg_rate_out', 'Messages dispatched per second.', (s: Sub) => s.msgRateOut],
  ['pulsar_subscription_msg_throughput_out', 'Bytes dispatched per second.', (s: Sub) => s.throughputOut],
  [
    'pulsar_subscription_msg_rate_redeliver',
    'Messages redelivered per second.',
    (s: Sub) => s.msgRateRedeliver,
  ],
  [
    'pulsar_subscription_blocked_on_unacked_messages',
    '1 when dispatch is paused because too many messages are unacknowledged.',
    (s: Sub) => (s.blockedOnUnacked ? 1 : 0),
  ],
  // Magnetar's own: in-flight visibility (DESIGN.md, "Beyond Pulsar"); Pulsar has no such series.
  [
    'magnetar_subscription_oldest_unacked_age_seconds',
    'Seconds the oldest delivered and unacknowledged message has been with a consumer; 0 when none is.',
    (s: Sub) => s.oldestUnackedAgeSeconds,
  ],
  [
    'magnetar_subscription_stuck_messages',
    'Messages delivered and unacknowledged for longer than inflightStuckThresholdSeconds.',
    (s: Sub) => s.stuckMessages,
  ],
] as const;

/**
 * Subscription series whose namespace value is the largest of its subscriptions', not the sum:
 * a flag and an age do not add up.
 */
const MAX_PER_NAMESPACE: ReadonlySet<string> = new Set([
  'pulsar_subscription_blocked_on_unacked_messages',
  'magnetar_subscription_oldest_unacked_age_seconds',
]);

/** Consumer-level series (exposeConsumerLevelMetricsInPrometheus), as Pulsar's TopicStats names them. */
const CONSUMER_GAUGES = [
  [
    'pulsar_consumer_msg_rate_out',
    'Messages dispatched to the consumer per second.',
    (c: ConsumerMetrics) => c.msgRateOut,
  ],
  [
    'pulsar_consumer_msg_throughput_out',
    'Bytes dispatched to the consumer per second.',
    (c: ConsumerMetrics) => c.throughputOut,
  ],
  [
    'pulsar_consumer_msg_rate_redeliver',
    'Messages redelivered to the consumer per second.',
    (c: ConsumerMetrics) => c.msgRateRedeliver,
  ],
  [
    'pulsar_consumer_unacked_messages',
    'Messages delivered to the consumer and not yet acknowledged.',
    (c: ConsumerMetrics) => c.unacked,
  ],
  [
    'pulsar_consumer_blocked_on_unacked_messages',
    '1 when dispatch to the consumer is paused because it has too many unacknowledged messages.',
    (c: ConsumerMetrics) => (c.blockedOnUnacked ? 1 : 0),
  ],
  [
    'pulsar_consumer_available_permits',
    'Messages the consumer has asked for (flow permits) and not yet been sent.',
    (c: ConsumerMetrics) => c.availablePermits,
  ],
] as const;

export interface BrokerMetrics {
  registry: Registry;
  contentType: string;
  /** Reads the source and renders the Prometheus text exposition. */
  render(): Promise<string>;
  /** Reads the source and returns the registry as JSON (prom-client's getMetricsAsJSON), for aggregation. */
  renderJson(): Promise<MetricJson[]>;
  /**
   * The text exposition of this registry's values summed, series by series, with other processes'
   * renderJson() output (prom-client's AggregatorRegistry.aggregate): one /metrics for the workers
   * of a multi-core standalone.
   */
  renderWith(others: MetricJson[][]): Promise<string>;
}

/** One metric as prom-client's getMetricsAsJSON gives it. */
export type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

export function createBrokerMetrics(
  source: BrokerMetricsSource,
  clusterName: string,
  levels: MetricLevels = PULSAR_DEFAULT_LEVELS,
): BrokerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const own: Gauge[] = [];
  const gauge = (name: string, help: string, labelNames: readonly string[]): Gauge => {
    const g = new Gauge({ name, help, labelNames, registers: [registry] });
    own.push(g);
    return g;
  };

  const topicsCount = gauge('pulsar_topics_count', 'Number of topics in the namespace.', [
    'cluster',
    'namespace',
  ]);
  const topicGauges = new Map<TopicGaugeName, Gauge>(
    TOPIC_GAUGES.map(([n, help]) => [n, gauge(n, help, levels.topic ? TOPIC_LABELS : NAMESPACE_LABELS)]),
  );
  const subGauges = SUBSCRIPTION_GAUGES.map(([n, help, read]) => ({
    g: gauge(n, help, levels.topic ? SUBSCRIPTION_LABELS : NAMESPACE_LABELS),
    read,
  }));
  const consumerGauges =
    levels.topic && levels.consumer
      ? CONSUMER_GAUGES.map(([n, help, read]) => ({ g: gauge(n, help, CONSUMER_LABELS), read }))
      : [];
  const connections = {
    active: gauge('pulsar_active_connections', 'Open client connections.', ['cluster']),
    created: gauge('pulsar_connection_created_total_count', 'Connections accepted since start.', ['cluster']),
    closed: gauge('pulsar_connection_closed_total_count', 'Connections closed since start.', ['cluster']),
  };
  const latency = [
    ...WRITE_LATENCY_SUFFIXES.map((suffix) => `pulsar_storage_write_latency_${suffix}`),
    'pulsar_storage_write_latency_count',
    'pulsar_storage_write_latency_sum',
  ].map((n) =>
    gauge(n, 'Storage write latency in ms since the previous scrape (Pulsar bucket style).', ['cluster']),
  );

  const fill = (): void => {
    // Only our gauges are reset: a topic or subscription gone since the last scrape must vanish,
    // while the default process metrics (GC histograms among them) accumulate across scrapes.
    for (const g of own) g.reset();
    const cluster = { cluster: clusterName };
    const topics = [...source.topics()];
    const perNamespace = new Map<string, number>();
    for (const t of topics) perNamespace.set(t.namespace, (perNamespace.get(t.namespace) ?? 0) + 1);
    for (const [namespace, n] of perNamespace) topicsCount.set({ cluster: clusterName, namespace }, n);
    if (levels.topic) fillPerTopic(topics);
    else fillPerNamespace(topics);
    const c = source.connections();
    connections.active.set(cluster, c.active);
    connections.created.set(cluster, c.createdTotal);
    connections.closed.set(cluster, c.closedTotal);
    const buckets = bucketLatencies(source.storage().writeLatencyMs);
    [...buckets.counts, buckets.count, buckets.sumMs].forEach((v, i) => latency[i]!.set(cluster, v));
  };

  const fillPerTopic = (topics: readonly TopicMetrics[]): void => {
    for (const t of topics) {
      const labels = { cluster: clusterName, namespace: t.namespace, topic: t.name };
      for (const [name, , read] of TOPIC_GAUGES) topicGauges.get(name)!.set(labels, read(t));
      for (const s of t.subscriptions) {
        const subLabels = { ...labels, subscription: s.name };
        for (const { g, read } of subGauges) g.set(subLabels, read(s));
        for (const c of s.consumers) {
          const consumer = { ...subLabels, consumer_name: c.name, consumer_id: String(c.id) };
          for (const { g, read } of consumerGauges) g.set(consumer, read(c));
        }
      }
    }
  };

  const fillPerNamespace = (topics: readonly TopicMetrics[]): void => {
    for (const [namespace, { topic, sub }] of sumPerNamespace(topics)) {
      const labels = { cluster: clusterName, namespace };
      TOPIC_GAUGES.forEach(([name], i) => topicGauges.get(name)!.set(labels, topic[i]!));
      subGauges.forEach(({ g }, i) => g.set(labels, sub[i]!));
    }
  };

  // Scrapes are serialised: filling resets shared gauges, and the latency samples are drained on
  // read, so two interleaved scrapes could otherwise report each other's values.
  let last: Promise<unknown> = Promise.resolve();
  const serially = <T>(read: () => Promise<T>): Promise<T> => {
    const next = last.then(() => {
      fill();
      return read();
    });
    last = next.catch(() => undefined);
    return next;
  };
  const render = (): Promise<string> => serially(() => registry.metrics());
  const renderJson = (): Promise<MetricJson[]> => serially(() => registry.getMetricsAsJSON());
  const renderWith = async (others: MetricJson[][]): Promise<string> =>
    AggregatorRegistry.aggregate([await renderJson(), ...others]).metrics();
  return { registry, contentType: registry.contentType, render, renderJson, renderWith };
}

/**
 * The values of TOPIC_GAUGES and SUBSCRIPTION_GAUGES, in their order, summed over each
 * namespace's topics and subscriptions (the largest value for MAX_PER_NAMESPACE series).
 */
function sumPerNamespace(topics: readonly TopicMetrics[]): Map<string, { topic: number[]; sub: number[] }> {
  const totals = new Map<string, { topic: number[]; sub: number[] }>();
  for (const t of topics) {
    let sums = totals.get(t.namespace);
    if (!sums) {
      sums = { topic: TOPIC_GAUGES.map(() => 0), sub: SUBSCRIPTION_GAUGES.map(() => 0) };
      totals.set(t.namespace, sums);
    }
    const { topic, sub } = sums;
    TOPIC_GAUGES.forEach(([, , read], i) => (topic[i]! += read(t)));
    for (const s of t.subscriptions) {
      SUBSCRIPTION_GAUGES.forEach(([name, , read], i) => {
        sub[i] = MAX_PER_NAMESPACE.has(name) ? Math.max(sub[i]!, read(s)) : sub[i]! + read(s);
      });
    }
  }
  return totals;
}
