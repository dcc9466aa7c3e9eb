/**
 * What the HTTP server needs from the broker: health and a snapshot of counters, read at scrape
 * time. The broker implements this; the admin layer never reaches into broker internals, so the
 * metrics code can be tested with a plain object.
 */

/** One consumer, for the consumer-level series (exposeConsumerLevelMetricsInPrometheus). */
export interface ConsumerMetrics {
  /** CommandSubscribe.consumer_name */
  name: string;
  /** CommandSubscribe.consumer_id, unique within the consumer's connection only. */
  id: number;
  msgRateOut: number;
  throughputOut: number;
  msgRateRedeliver: number;
  unacked: number;
  blockedOnUnacked: boolean;
  /** Messages the consumer may still be sent (CommandFlow.messagePermits granted, not yet used). */
  availablePermits: number;
}

export interface SubscriptionMetrics {
  name: string;
  type: string;
  backlog: number;
  /** Messages of the backlog held back until their delivery time. */
  delayed: number;
  unacked: number;
  consumerCount: number;
  msgOutCounter: number;
  bytesOutCounter: number;
  msgRateOut: number;
  throughputOut: number;
  msgRateRedeliver: number;
  blockedOnUnacked: boolean;
  /** Seconds the oldest delivered, unacknowledged message has been out; 0 when none is. */
  oldestUnackedAgeSeconds: number;
  /** Messages pending longer than the broker's stuck threshold (inflightStuckThresholdSeconds). */
  stuckMessages: number;
  consumers: ConsumerMetrics[];
}

export interface TopicMetrics {
  name: string;
  namespace: string;
  producers: number;
  consumers: number;
  msgInCounter: number;
  bytesInCounter: number;
  msgOutCounter: number;
  bytesOutCounter: number;
  rateIn: number;
  rateOut: number;
  throughputIn: number;
  throughputOut: number;
  storageSize: number;
  backlogSize: number;
  msgBacklog: number;
  /** Bytes of the delayed-delivery indexes of the topic's subscriptions held in memory. */
  delayedIndexBytes: number;
  subscriptions: SubscriptionMetrics[];
}

export interface BrokerMetricsSource {
  isHealthy(): boolean;
  topics(): Iterable<TopicMetrics>;
  connections(): { active: number; createdTotal: number; closedTotal: number };
  storage(): { writeLatencyMs: number[] /* samples since last scrape, may be empty */ };
}
