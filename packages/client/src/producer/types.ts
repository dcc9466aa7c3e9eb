import type { MessageId } from '../message-id.js';

export type CompressionTypeName = 'None' | 'LZ4' | 'Zlib' | 'ZSTD' | 'SNAPPY';
export type MessageRoutingMode = 'RoundRobinPartition' | 'SinglePartition' | 'CustomPartition';
export type HashingScheme = 'JavaStringHash' | 'Murmur3_32Hash';
/** DEFAULT: one open batch; KEY_BASED: one open batch per key, so each batch holds one key. */
export type BatchingType = 'DEFAULT' | 'KEY_BASED';

/** Options of `client.createProducer`, named as in the official Node client. */
export interface ProducerConfig {
  topic: string;
  producerName?: string;
  sendTimeoutMs?: number;
  maxPendingMessages?: number;
  blockIfQueueFull?: boolean;
  batchingEnabled?: boolean;
  batchingMaxMessages?: number;
  batchingMaxAllowedSizeInBytes?: number;
  batchingMaxPublishDelayMs?: number;
  /** KEY_BASED keeps one batch per key (ordering key, else partition key), for Key_Shared. */
  batchingType?: BatchingType;
  /**
   * Split messages larger than the broker's max_message_size into chunks (PIP-37). Needs batching
   * off, as in Pulsar; when batchingEnabled is not given, enabling chunking turns batching off.
   */
  chunkingEnabled?: boolean;
  /** Creates this subscription on the topic along with the producer (CommandProducer field 13). */
  initialSubscriptionName?: string;
  compressionType?: CompressionTypeName;
  accessMode?: 'Shared' | 'Exclusive';
  messageRoutingMode?: MessageRoutingMode;
  hashingScheme?: HashingScheme;
  /** Used with messageRoutingMode 'CustomPartition': returns a partition index. */
  messageRouter?: (message: ProducerMessage, numPartitions: number) => number;
  properties?: Record<string, string>;
}

/** One message to publish. */
export interface ProducerMessage {
  data: Buffer;
  properties?: Record<string, string>;
  partitionKey?: string;
  orderingKey?: string | Buffer;
  eventTimestamp?: number;
  sequenceId?: number;
  /** Absolute delivery time in epoch ms (Shared subscriptions hold the message until then). */
  deliverAt?: number;
  /** Delivery delay relative to now, in ms. */
  deliverAfter?: number;
}

/** The resolved defaults every internal producer works with. */
export interface ResolvedProducerConfig {
  topic: string;
  producerName: string | undefined;
  sendTimeoutMs: number;
  maxPendingMessages: number;
  blockIfQueueFull: boolean;
  batchingEnabled: boolean;
  batchingMaxMessages: number;
  batchingMaxAllowedSizeInBytes: number;
  batchingMaxPublishDelayMs: number;
  batchingType: BatchingType;
  chunkingEnabled: boolean;
  initialSubscriptionName: string | undefined;
  compressionType: number;
  accessMode: number;
  properties: Record<string, string>;
}

export interface SendCallback {
  resolve: (id: MessageId) => void;
  reject: (err: unknown) => void;
}
