import type { MessageId } from '../message-id.js';

export type CompressionTypeName = 'None' | 'LZ4' | 'Zlib' | 'ZSTD' | 'SNAPPY';
export type MessageRoutingMode = 'RoundRobinPartition' | 'SinglePartition' | 'CustomPartition';
export type HashingScheme = 'JavaStringHash' | 'Murmur3_32Hash';

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
  compressionType: number;
  accessMode: number;
  properties: Record<string, string>;
}

export interface SendCallback {
  resolve: (id: MessageId) => void;
  reject: (err: unknown) => void;
}
