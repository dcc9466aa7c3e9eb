import type { MessageId } from '../message-id.js';
import type { Schema } from '../schema/schema.js';
import type { Message } from './message.js';
import type { RedeliveryBackoff, RedeliveryBackoffConfig } from './redelivery-backoff.js';

export type SubscriptionType = 'Exclusive' | 'Shared' | 'Failover' | 'KeyShared';
export type InitialPositionName = 'Latest' | 'Earliest';

/**
 * Dead-letter and retry topics (Pulsar's DeadLetterPolicy). Topic names default to
 * `<topic>-<subscription>-DLQ` and `<topic>-<subscription>-RETRY`, `<topic>` being the full name of
 * the consumer's first topic (Pulsar 2.10+ and the Go client).
 */
export interface DeadLetterPolicy {
  /**
   * A message the broker delivers with redelivery count >= this goes to the dead-letter topic
   * instead of the application; with retryEnable, a message reconsumed more times goes there too.
   */
  maxRedeliverCount: number;
  deadLetterTopic?: string;
  retryLetterTopic?: string;
  /** Asks the broker to create this subscription on the dead-letter topic with its producer. */
  initialSubscriptionName?: string;
}

/** Options of `client.subscribe`, named as in the official Node client. */
export interface ConsumerConfig<T = unknown> {
  /** Sent with SUBSCRIBE (checked against the topic's schema) and used by `message.getValue()`. */
  schema?: Schema<T>;
  topic?: string;
  topics?: string[];
  /** Every topic of one namespace whose name matches, e.g. `persistent://public/default/orders-.*`. */
  topicsPattern?: RegExp | string;
  /** How often a pattern consumer looks for new (and removed) topics; default 60 000 ms. */
  patternAutoDiscoveryPeriodMs?: number;
  /**
   * Re-read each partitioned topic's partition count every partitionsAutoUpdateIntervalMs and
   * subscribe partitions added since, from their earliest message (default true).
   */
  autoUpdatePartitions?: boolean;
  /** How often partition counts are re-read (default 60 000 ms). */
  partitionsAutoUpdateIntervalMs?: number;
  subscription: string;
  subscriptionType?: SubscriptionType;
  subscriptionInitialPosition?: InitialPositionName;
  receiverQueueSize?: number;
  consumerName?: string;
  ackTimeoutMs?: number;
  /** Delay before a negatively acknowledged message is redelivered (default 60 000 ms). */
  nAckRedeliverTimeoutMs?: number;
  /** Replaces the fixed nack delay with one that grows with the message's redelivery count. */
  negativeAckRedeliveryBackoff?: RedeliveryBackoffConfig;
  deadLetterPolicy?: DeadLetterPolicy;
  /** Subscribe to the retry topic too and allow `reconsumeLater` (maxRedeliverCount defaults to 16). */
  retryEnable?: boolean;
  /** Chunked messages reassembled at once, at most (default 10). */
  maxPendingChunkedMessage?: number;
  /** When that limit is hit: acknowledge the oldest incomplete message (true) or redeliver it. */
  autoAckOldestChunkedMessageOnQueueFull?: boolean;
  /** An incomplete chunked message older than this is dropped and acknowledged (default 60 000). */
  expireTimeOfIncompleteChunkedMessageMs?: number;
  priorityLevel?: number;
  readCompacted?: boolean;
  /** Acks are grouped for this long (default 100 ms); 0 sends each ack at once. */
  ackGroupingTimeMs?: number;
  properties?: Record<string, string>;
  /** When set, messages are pushed to the listener instead of being pulled with receive(). */
  listener?: (message: Message, consumer: ListenerConsumer) => void | Promise<void>;
}

/** What a listener may do with the consumer that called it. */
export interface ListenerConsumer {
  acknowledge(message: Message): Promise<void>;
  negativeAcknowledge(message: Message): void;
  reconsumeLater(message: Message, delayMs: number): Promise<void>;
}

/** The settings every per-partition consumer works with. */
export interface ResolvedConsumerConfig {
  subscription: string;
  subType: number;
  initialPosition: number;
  receiverQueueSize: number;
  consumerName: string;
  ackTimeoutMs: number;
  nAckRedeliverTimeoutMs: number;
  /** Nack delay by redelivery count; undefined means the fixed nAckRedeliverTimeoutMs. */
  nackBackoff: RedeliveryBackoff | undefined;
  maxPendingChunkedMessage: number;
  autoAckOldestChunkedMessageOnQueueFull: boolean;
  expireTimeOfIncompleteChunkedMessageMs: number;
  priorityLevel: number | undefined;
  readCompacted: boolean;
  ackGroupingTimeMs: number;
  properties: Record<string, string>;
  /** Readers: a non-durable subscription starting after this id (earliest/latest included). */
  durable: boolean;
  startMessageId: MessageId | undefined;
  schema: Schema<unknown> | undefined;
}
