import type { MessageId } from '../message-id.js';
import type { Message } from './message.js';

export type SubscriptionType = 'Exclusive' | 'Shared' | 'Failover' | 'KeyShared';
export type InitialPositionName = 'Latest' | 'Earliest';

/** Options of `client.subscribe`, named as in the official Node client. */
export interface ConsumerConfig {
  topic?: string;
  topics?: string[];
  subscription: string;
  subscriptionType?: SubscriptionType;
  subscriptionInitialPosition?: InitialPositionName;
  receiverQueueSize?: number;
  consumerName?: string;
  ackTimeoutMs?: number;
  nAckRedeliverTimeoutMs?: number;
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
  priorityLevel: number | undefined;
  readCompacted: boolean;
  ackGroupingTimeMs: number;
  properties: Record<string, string>;
  /** Readers: a non-durable subscription starting after this id (earliest/latest included). */
  durable: boolean;
  startMessageId: MessageId | undefined;
}
